// Stealth signal: the User-Agent string, navigator.platform and the client hints
// (navigator.userAgentData) must name the same OS and, for Chromium brands, the same major version.
// Tools that set only the UA string (or fake hints from another machine) leave them disagreeing.
export interface UaHost {
  navigator?: {
    userAgent?: unknown;
    platform?: unknown;
    userAgentData?: { platform?: unknown; brands?: unknown } | null;
  };
}

function osOfUa(ua: string): string | null {
  if (/Windows NT/.test(ua)) return 'windows';
  if (/Android/.test(ua)) return 'android';
  if (/iPhone|iPad|iPod/.test(ua)) return 'ios';
  if (/Mac OS X|Macintosh/.test(ua)) return 'mac';
  if (/CrOS/.test(ua)) return 'chromeos';
  if (/Linux|X11/.test(ua)) return 'linux';
  return null;
}

function osOfPlatform(p: string): string | null {
  if (/^Win/i.test(p)) return 'windows';
  if (/^Mac/i.test(p)) return 'mac';
  if (/^(iPhone|iPad|iPod)/i.test(p)) return 'ios';
  if (/Linux|X11/i.test(p)) return 'linux-like';
  return null;
}

function osOfHint(p: string): string | null {
  const m: Record<string, string> = {
    windows: 'windows',
    macos: 'mac',
    linux: 'linux',
    android: 'android',
    'chrome os': 'chromeos',
    chromeos: 'chromeos',
  };
  return m[p.toLowerCase()] || null;
}

/** 'ua_platform' when UA, platform and client hints disagree on the OS; 'ua_hints_version' on Chrome's version. */
export function uaPlatform(win: UaHost): string[] {
  const nav = win.navigator;
  if (!nav) return [];
  const out: string[] = [];
  const ua = String(nav.userAgent || '');
  const uaOs = osOfUa(ua);
  const platOs = osOfPlatform(String(nav.platform || ''));
  // Android and ChromeOS report a Linux navigator.platform
  const platOk =
    !uaOs || !platOs || platOs === uaOs || (platOs === 'linux-like' && /linux|android|chromeos/.test(uaOs));
  const hints = nav.userAgentData;
  const hintOs = hints && typeof hints.platform === 'string' && hints.platform ? osOfHint(hints.platform) : null;
  const hintOk = !uaOs || !hintOs || hintOs === uaOs;
  if (!platOk || !hintOk) out.push('ua_platform');
  const major = /Chrom(?:e|ium)\/(\d+)/.exec(ua);
  const brands = hints && Array.isArray(hints.brands) ? (hints.brands as { brand?: unknown; version?: unknown }[]) : [];
  const chromium = brands.find((b) => b && /^(Chromium|Google Chrome)$/.test(String(b.brand)));
  if (major && chromium && String(chromium.version) !== major[1]) out.push('ua_hints_version');
  return out;
}
