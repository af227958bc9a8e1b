import { chromeObject } from './chrome-object';
import { notificationState } from './notification-state';
import { patchedGetters } from './patched-getters';
import { uaPlatform } from './ua-platform';
import { stealthSignals } from '.';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const WIN_CHROME = CHROME.replace('X11; Linux x86_64', 'Windows NT 10.0; Win64; x64');

// Native functions as Function.prototype.toString prints them in a browser.
const nativeToString = {
  call: (f: unknown) => ((f as { fake?: boolean }).fake ? String(f) : 'function () { [native code] }'),
};
const scriptFn = <T extends (...a: never[]) => unknown>(f: T) => Object.assign(f, { fake: true });
const nativeFn = <T extends (...a: never[]) => unknown>(f: T) => f;

function browser(over: { nav?: object; notification?: object; chrome?: unknown; ua?: string; platform?: string } = {}) {
  class Navigator {}
  Object.defineProperty(Navigator.prototype, 'webdriver', { get: nativeFn(() => false), configurable: true });
  Object.defineProperty(Navigator.prototype, 'languages', { get: nativeFn(() => ['en-US']), configurable: true });
  class Notification {}
  Object.defineProperty(Notification, 'permission', { get: nativeFn(() => 'default'), configurable: true });
  return {
    Navigator,
    Notification: Notification as unknown as { permission: string },
    Function: { prototype: { toString: nativeToString } },
    chrome: 'chrome' in over ? over.chrome : { loadTimes: nativeFn(() => ({})), csi: nativeFn(() => ({})) },
    navigator: {
      userAgent: over.ua ?? CHROME,
      platform: over.platform ?? 'Linux x86_64',
      userAgentData: { platform: 'Linux', brands: [{ brand: 'Chromium', version: '140' }] },
      permissions: { query: async () => ({ state: 'prompt' }) },
      ...over.nav,
    },
  };
}

describe('stealth signals (each its own source)', () => {
  it('finds nothing on an ordinary Chrome', async () => {
    expect(await stealthSignals(browser())).toEqual([]);
  });

  it('patched_webdriver / patched_notification: getters a script replaced', () => {
    const w = browser();
    Object.defineProperty(w.Navigator.prototype, 'webdriver', { get: scriptFn(() => false) });
    Object.defineProperty(w.Notification, 'permission', { get: scriptFn(() => 'default') });
    expect(patchedGetters(w)).toEqual(['patched_webdriver', 'patched_notification']);
    const v = browser();
    Object.defineProperty(v.Navigator.prototype, 'languages', { value: ['en-US'] });
    expect(patchedGetters(v)).toEqual(['patched_navigator']);
    expect(patchedGetters({})).toEqual([]);
  });

  it('notification_state: Notification.permission and the Permissions API disagree', async () => {
    const w = browser();
    expect(await notificationState(w)).toBeNull();
    w.navigator.permissions = { query: async () => ({ state: 'denied' }) };
    expect(await notificationState(w)).toBe('notification_state');
    w.navigator.permissions = { query: () => Promise.reject(new Error('no')) };
    expect(await notificationState(w)).toBeNull();
  });

  it('chrome_object: a desktop Chrome UA without a native window.chrome', () => {
    expect(chromeObject(browser({ chrome: undefined }))).toBe('chrome_object');
    expect(chromeObject(browser({ chrome: { runtime: {}, app: {} } }))).toBe('chrome_object');
    expect(chromeObject(browser({ chrome: { loadTimes: scriptFn(() => 1), csi: scriptFn(() => 1) } }))).toBe(
      'chrome_object',
    );
    // not Chrome, or Chrome on Android / Edge: no such expectation
    expect(chromeObject(browser({ chrome: undefined, ua: CHROME.replace('Chrome/140.0.0.0', 'Firefox/140.0') }))).toBe(
      null,
    );
    expect(chromeObject(browser({ chrome: undefined, ua: `${CHROME} Edg/140.0.0.0` }))).toBeNull();
  });

  it('ua_platform / ua_hints_version: UA, platform and client hints must agree', () => {
    expect(uaPlatform(browser())).toEqual([]);
    expect(uaPlatform(browser({ ua: WIN_CHROME }))).toEqual(['ua_platform']);
    expect(uaPlatform(browser({ ua: WIN_CHROME, platform: 'Win32' }))).toEqual(['ua_platform']);
    const windows = browser({ ua: WIN_CHROME, platform: 'Win32' });
    windows.navigator.userAgentData = { platform: 'Windows', brands: [{ brand: 'Chromium', version: '140' }] };
    expect(uaPlatform(windows)).toEqual([]);
    windows.navigator.userAgentData = { platform: 'Windows', brands: [{ brand: 'Chromium', version: '139' }] };
    expect(uaPlatform(windows)).toEqual(['ua_hints_version']);
    // Android reports a Linux platform: not a mismatch
    const android = browser({
      ua: 'Mozilla/5.0 (Linux; Android 14) Chrome/140.0.0.0 Mobile',
      platform: 'Linux armv8l',
    });
    android.navigator.userAgentData = { platform: 'Android', brands: [] };
    expect(uaPlatform(android)).toEqual([]);
  });
});
