// One Kizuki client for the app, loaded at start-up. The publishable key may ship in the app: it only
// collects, and only with the app id registered for the tenant (console → API keys → where
// publishable keys work). In the app: `storage: AsyncStorage` (@react-native-async-storage) and
// `deviceInfo: DeviceInfo` (react-native-device-info, optional), as App.tsx passes them.
import { Kizuki, type KizukiClient, type KizukiOptions } from '@kizuki/react-native';

export const KIZUKI = {
  publishableKey: 'pk_live_replace_me',
  endpoint: 'https://kizuki.example.com',
  appId: 'jp.example.shop',
} as const;

export function loadKizuki(extra: Partial<KizukiOptions> = {}): KizukiClient {
  return Kizuki.load({ ...KIZUKI, ...extra });
}
