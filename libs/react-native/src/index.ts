// @kizuki/react-native: Kizuki.load() once, <KizukiProvider> around the login screen, useKizuki()'s
// prop getters on its container, fields and submit button, collect() for the request token.
// Nothing runs at import time.
import { Dimensions, Platform } from 'react-native';
import { KizukiClient, type KizukiOptions } from './client';

export { KizukiClient, LoginSession, type KizukiOptions } from './client';
export { KizukiProvider, useKizuki, type KizukiProviderProps, type UseKizuki } from './react';
export type { DeviceInfoLike, IntegrityLike, StorageAdapter } from './device';
export { RN_SDK_VERSION } from './version';

/** Start the client (reads the device and install id in the background). Never throws. */
export function load(options: KizukiOptions): KizukiClient {
  const platform = options.platform ?? Platform;
  const screen = options.screen ?? (() => Dimensions.get('window'));
  return new KizukiClient(options, platform, screen);
}

export const Kizuki = { load };
