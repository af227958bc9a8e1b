// Device signal source: an install id kept through the app's own key-value store, the platform,
// OS version, locale, time zone and screen from React Native itself, and model / emulator / app
// version from react-native-device-info when the app has it, root / jailbreak from an integrity
// library when the app passes one. Nothing here needs a permission prompt.
import type { AppSignals, DeviceSignals } from '@kizuki/contract';
import { SIGNAL_LIMITS } from '@kizuki/contract';

/** Any async or sync key-value store: AsyncStorage as it is, MMKV through a two-line adapter. */
export interface StorageAdapter {
  getItem(key: string): Promise<string | null> | string | null | undefined;
  setItem(key: string, value: string): Promise<unknown> | unknown;
}

/** The parts of react-native-device-info's default export that are read (all optional). */
export interface DeviceInfoLike {
  getUniqueId?: () => string | Promise<string>;
  getModel?: () => string;
  getBrand?: () => string;
  getVersion?: () => string;
  getBuildNumber?: () => string;
  getDeviceType?: () => string;
  isTablet?: () => boolean;
  isEmulator?: () => boolean | Promise<boolean>;
}

/** A root / jailbreak check, e.g. jail-monkey's default export (`JailMonkey.isJailBroken()`). */
export interface IntegrityLike {
  isJailBroken: () => boolean;
}

/** What the SDK reads from react-native (injected so that tests and the example can pass theirs). */
export interface PlatformLike {
  OS: string;
  Version: string | number;
  isPad?: boolean;
}

export interface ScreenLike {
  width: number;
  height: number;
  scale?: number;
  fontScale?: number;
}

export const INSTALL_ID_KEY = 'kizuki.installId';

/** 22 random base64url characters (132 bits): the install id. */
export function randomId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const bytes = new Uint8Array(22);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  // Hermes has no crypto without a polyfill: the id identifies an install, it protects nothing
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let s = '';
  for (const b of bytes) s += alphabet[b & 63];
  return s;
}

/** FNV-1a 64-bit as hex: the vendor / Android id is sent only hashed. */
export function hashId(value: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < value.length; i++) {
    h ^= BigInt(value.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** The install id from storage, created on first use; null when the store failed (the bundle says so). */
export async function installId(storage: StorageAdapter | undefined): Promise<string | null> {
  if (!storage) return null;
  try {
    const stored = await storage.getItem(INSTALL_ID_KEY);
    if (typeof stored === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(stored)) return stored;
    const id = randomId();
    await storage.setItem(INSTALL_ID_KEY, id);
    return id;
  } catch {
    return null;
  }
}

async function safe<T>(f: (() => T | Promise<T>) | undefined): Promise<T | null> {
  if (typeof f !== 'function') return null;
  try {
    const v = await f();
    return v === undefined ? null : v;
  } catch {
    return null;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v.slice(0, SIGNAL_LIMITS.componentValueLength) : null;
}

export interface DeviceSnapshot {
  device: DeviceSignals;
  app: AppSignals;
}

export interface DeviceSources {
  appId: string;
  storage?: StorageAdapter;
  deviceInfo?: DeviceInfoLike | null;
  integrity?: IntegrityLike | null;
  platform: PlatformLike;
  screen: ScreenLike;
  /** a fallback id for this run when storage failed (kept for the client's life) */
  sessionId: string;
}

/** Reads every source once (the client does it at load, so collect() does not wait for it). */
export async function readDevice(s: DeviceSources): Promise<DeviceSnapshot> {
  const di = s.deviceInfo ?? null;
  const [install, unique, emulator] = await Promise.all([
    installId(s.storage),
    safe(di?.getUniqueId),
    safe(di?.isEmulator),
  ]);
  let rooted: boolean | null;
  try {
    rooted = s.integrity ? !!s.integrity.isJailBroken() : null;
  } catch {
    rooted = null;
  }
  const intl = (() => {
    try {
      return Intl.DateTimeFormat().resolvedOptions();
    } catch {
      return null;
    }
  })();
  const platform: AppSignals['platform'] = s.platform.OS === 'ios' ? 'ios' : 'android';
  const osVersion = String(s.platform.Version ?? '').slice(0, 32);
  const model = str(await safe(di?.getModel));
  const version = str(await safe(di?.getVersion));
  const build = str(await safe(di?.getBuildNumber));
  const components: DeviceSignals['components'] = {
    // the engine never fuzzy-matches app devices: the vendor / install id is the device
    kind: 'app',
    platform,
    osVersion,
    model,
    brand: str(await safe(di?.getBrand)),
    deviceType: str(await safe(di?.getDeviceType)),
    tablet: (await safe(di?.isTablet)) ?? (s.platform.isPad === true ? true : null),
    locale: str(intl?.locale),
    timeZone: str(intl?.timeZone),
    screen: `${Math.round(s.screen.width)}x${Math.round(s.screen.height)}`,
    scale: typeof s.screen.scale === 'number' ? s.screen.scale : null,
    fontScale: typeof s.screen.fontScale === 'number' ? s.screen.fontScale : null,
    emulator: typeof emulator === 'boolean' ? emulator : null,
    rooted,
  };
  // the vendor id (IDFV / ANDROID_ID) survives a reinstall; the install id is the fallback
  const visitorId = unique ? `dv_${hashId(String(unique))}` : `in_${install ?? s.sessionId}`;
  return {
    device: {
      visitorId,
      storageId: install,
      components,
      confidence: unique ? 0.99 : install ? 0.9 : 0.5,
    },
    app: {
      id: s.appId,
      platform,
      version: version ? (build ? `${version} (${build})` : version) : null,
      osVersion,
      emulator: typeof emulator === 'boolean' ? emulator : null,
      rooted,
    },
  };
}
