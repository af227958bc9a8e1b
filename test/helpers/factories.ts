import type { SignalBundle } from '@kizuki/contract';

/** A realistic SDK bundle: a person typing a 10-character password with a mouse on the page. */
export function makeBundle(overrides: { visitorId?: string; storageId?: string | null; seed?: number } = {}): SignalBundle {
  let s = overrides.seed ?? 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const keys = Array.from({ length: 10 }, (_, i) => {
    const d = i * (140 + rand() * 60);
    return { d: Math.round(d * 10) / 10, u: Math.round((d + 80 + rand() * 30) * 10) / 10, c: 'char' as const };
  });
  const moves: number[] = [];
  for (let i = 0; i < 60; i++) moves.push(Math.round(4 + rand() * 3), Math.round(2 + rand() * 2), 16);
  return {
    v: 1,
    sdk: { version: '0.1.0' },
    device: {
      visitorId: overrides.visitorId ?? 'visitor-0001abcd',
      storageId: overrides.storageId === undefined ? 'storage-0001abcd' : overrides.storageId,
      // Distinct devices differ in the components a fingerprint is made of, as real ones do.
      components: deviceComponents(overrides.visitorId ?? 'visitor-0001abcd'),
      confidence: 0.6,
    },
    automation: { webdriver: false, bot: false, signals: [], untrustedEvents: 0 },
    typing: {
      fields: [
        { role: 'username', keys: keys.slice(0, 6), pasted: false, autofilled: false, imeFallback: false, inputEvents: 6, startMs: 1200 },
        { role: 'password', keys, pasted: false, autofilled: false, imeFallback: false, inputEvents: 10, startMs: 3400 },
      ],
    },
    pointer: {
      type: 'mouse',
      start: { x: 200, y: 300, t: 500 },
      moves,
      eventCount: 240,
      clicks: [{ t: 5200, rx: 0.42, ry: 0.55, target: 'submit', pointerType: 'mouse', isTrusted: true }],
      touches: 0,
      viewport: { w: 1280, h: 800 },
    },
    page: { loadToSubmitMs: 5400, focusChanges: 2, blurCount: 1, visibilityChanges: 0, path: '/login' },
  };
}

function deviceComponents(visitorId: string): Record<string, string | number> {
  const h = [...visitorId].reduce((acc, ch) => (acc * 31 + ch.charCodeAt(0)) >>> 0, 7);
  return {
    screen: ['1920x1080', '2560x1440', '1440x900', '1366x768'][h % 4],
    timezone: 'Asia/Tokyo',
    languages: 'ja-JP,ja',
    platform: ['Linux x86_64', 'Win32', 'MacIntel'][h % 3],
    hardwareConcurrency: [4, 8, 12, 16][(h >> 3) % 4],
    canvas: `c${h.toString(16)}`,
    webglRenderer: `r${(h >> 5).toString(16)}`,
    audio: `a${(h >> 7).toString(16)}`,
    fonts: `f${(h >> 9).toString(16)}`,
  };
}
