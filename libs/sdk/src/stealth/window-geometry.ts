// Stealth signal: a desktop browser's window has a frame (tabs, address bar) around the page and a
// screen at least as large as its usable area. Headless and automation viewports have no frame
// (outer size = page size) though they are not full screen, or a usable area larger than the screen.
export interface GeometryHost {
  navigator?: { userAgent?: unknown };
  outerWidth?: number;
  outerHeight?: number;
  innerWidth?: number;
  innerHeight?: number;
  screen?: { width?: number; height?: number; availWidth?: number; availHeight?: number };
}

/** 'window_geometry' when the window's and screen's sizes cannot belong to a desktop browser. */
export function windowGeometry(win: GeometryHost): string | null {
  // phones, tablets and webviews have no frame around the page
  if (/Android|Mobile|iPhone|iPad|wv\)/.test(String((win.navigator && win.navigator.userAgent) || ''))) return null;
  const s = win.screen || {};
  const [ow, oh, iw, ih, sw, sh, aw, ah] = [
    win.outerWidth,
    win.outerHeight,
    win.innerWidth,
    win.innerHeight,
    s.width,
    s.height,
    s.availWidth,
    s.availHeight,
  ].map((v) => (typeof v === 'number' ? v : NaN));
  // full screen (F11, kiosk) has no frame either, but fills the screen
  const frameless = ow > 0 && ow === iw && oh === ih && !(ow === sw && oh === sh);
  return frameless || aw > sw || ah > sh ? 'window_geometry' : null;
}
