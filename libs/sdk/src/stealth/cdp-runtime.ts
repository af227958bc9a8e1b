// Stealth signal: a DevTools-protocol client with the Runtime domain enabled (Playwright, Puppeteer,
// Selenium's CDP, an open DevTools) gets every console message serialised, which formats a logged
// Error's stack and so runs Error.prepareStackTrace. Without a client nothing formats it. The
// message is console.debug (hidden at DevTools' default level) and the hook is restored at once.
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

export interface CdpHost {
  Error?: { new (m?: string): object; prepareStackTrace?: unknown; captureStackTrace?: unknown };
  console?: { debug?: unknown };
  Function?: { prototype: { toString: { call(f: unknown): string } } };
}

/** 'cdp_runtime' when logging an Error formats its stack (V8 only; never on other engines). */
export function cdpRuntime(win: CdpHost): string | null {
  const E = win.Error;
  const debug = win.console && win.console.debug;
  const fts = win.Function && win.Function.prototype.toString;
  // a page's logger that wraps the console (and may read the stack itself) is not evidence
  if (!E || !E.captureStackTrace || typeof debug !== 'function' || !fts || !NATIVE.test(String(fts.call(debug))))
    return null;
  let formatted = false;
  const own = E.prepareStackTrace;
  try {
    E.prepareStackTrace = () => {
      formatted = true;
      return '';
    };
    debug.call(win.console, new E(''));
  } catch {
    /* never break the page */
  } finally {
    E.prepareStackTrace = own;
  }
  return formatted ? 'cdp_runtime' : null;
}
