// Stealth signal: getters a stealth framework replaces to hide automation (navigator.webdriver,
// Notification.permission, navigator.languages / plugins). A browser's own getters are native code;
// a script's are not. Privacy extensions patch other things (canvas, WebGL, hardwareConcurrency), so
// only the getters that exist to say "automation" are read.
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

export interface GetterHost {
  Navigator?: { prototype: object };
  Notification?: object;
  Function?: { prototype: { toString: { call(f: unknown): string } } };
}

function patched(owner: object | undefined, name: string, toString: (f: unknown) => string): boolean {
  if (!owner) return false;
  try {
    const d = Object.getOwnPropertyDescriptor(owner, name);
    if (!d) return false;
    const fn = d.get || (typeof d.value === 'function' ? null : undefined);
    // a data property where the browser has an accessor: overwritten by assignment
    if (fn === undefined) return true;
    return fn !== null && !NATIVE.test(toString(fn));
  } catch {
    return false;
  }
}

/** Names of the automation-hiding getters that are not the browser's own (e.g. 'patched_webdriver'). */
export function patchedGetters(win: GetterHost): string[] {
  const out: string[] = [];
  const fts = win.Function && win.Function.prototype.toString;
  if (!fts) return out;
  const toString = (f: unknown) => String(fts.call(f));
  const nav = win.Navigator && win.Navigator.prototype;
  if (patched(nav, 'webdriver', toString)) out.push('patched_webdriver');
  if (patched(nav, 'languages', toString) || patched(nav, 'plugins', toString)) out.push('patched_navigator');
  if (patched(win.Notification, 'permission', toString)) out.push('patched_notification');
  return out;
}
