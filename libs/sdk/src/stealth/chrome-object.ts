// Stealth signal: a desktop Chrome User-Agent comes with a `window.chrome` object whose loadTimes
// and csi are native functions. Automation that claims Chrome without it (or with a hand-made
// stand-in, as stealth plugins add) says something the browser is not.
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

export interface ChromeHost {
  navigator?: { userAgent?: unknown };
  chrome?: unknown;
  Function?: { prototype: { toString: { call(f: unknown): string } } };
}

/** 'chrome_object' when a desktop Chrome UA has no native window.chrome.loadTimes / csi. */
export function chromeObject(win: ChromeHost): string | null {
  const ua = String((win.navigator && win.navigator.userAgent) || '');
  // Chrome and Chromium on desktop; Edge, Opera, Android WebViews and iOS (CriOS) differ
  if (!/Chrome\/\d/.test(ua) || /Edg\/|OPR\/|Android|Mobile|CriOS/.test(ua)) return null;
  const c = win.chrome as { loadTimes?: unknown; csi?: unknown } | undefined;
  const fts = win.Function && win.Function.prototype.toString;
  const native = (f: unknown) => typeof f === 'function' && (!fts || NATIVE.test(String(fts.call(f))));
  return c && native(c.loadTimes) && native(c.csi) ? null : 'chrome_object';
}
