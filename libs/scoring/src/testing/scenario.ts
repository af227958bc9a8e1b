// Realistic synthetic logins for specs and benchmarks (not exported from the library index):
// people with their own typing rhythm and mouse habits, naive bots, and account histories built
// through the real learning functions.
import type { AccountHistory, DeviceHistory, NetworkInfo, ScoringInput, VelocityCounts } from '../types';
import { DEFAULT_POLICY, type Policy } from '../policy';
import { learnPointerProfile } from '../pointer';
import type { KeyEvent, PointerSignals, SignalBundle } from '@kizuki/contract';
import { learnTypingProfile } from '../typing';
import { makeTypist, rng, typeSample, type Typist } from '../typing/synthetic-typist';

export interface Person {
  typist: Typist;
  /** mouse habits */
  speed: number;
  curve: number;
  jitter: number;
  pauseMs: number;
  clickRx: number;
  clickRy: number;
  seed: number;
}

export function makePerson(seed: number): Person {
  const r = rng(seed * 7919 + 13);
  return {
    typist: makeTypist(seed),
    speed: 0.4 + 1.6 * r(),
    curve: 0.05 + 0.3 * r(),
    jitter: 0.3 + 1.5 * r(),
    pauseMs: 350 + 900 * r(),
    clickRx: 0.2 + 0.6 * r(),
    clickRy: 0.25 + 0.5 * r(),
    seed,
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(1e-12, r()))) * Math.cos(2 * Math.PI * r());
}

/** A person's mouse trajectory: a few curved, bell-speed strokes with tremor and pauses. */
export function humanPointer(p: Person, r: () => number): PointerSignals {
  const moves: number[] = [];
  const strokes = 3 + Math.floor(3 * r());
  for (let s = 0; s < strokes; s++) {
    const dist = 150 + 400 * r();
    const angle = 2 * Math.PI * r();
    const dur = (dist / p.speed) * (0.8 + 0.4 * r());
    const n = Math.max(8, Math.round(dur / 16.7));
    let px = 0;
    let py = 0;
    let t = 0;
    for (let i = 1; i <= n; i++) {
      const u = i / n;
      // minimum-jerk position profile, bowed sideways by the person's curvature
      const pos = 10 * u ** 3 - 15 * u ** 4 + 6 * u ** 5;
      const bow = p.curve * dist * Math.sin(Math.PI * pos);
      const x = pos * dist * Math.cos(angle) - bow * Math.sin(angle) + p.jitter * gauss(r);
      const y = pos * dist * Math.sin(angle) + bow * Math.cos(angle) + p.jitter * gauss(r);
      const nt = Math.round(i * 16.7);
      moves.push(Math.round(x - px), Math.round(y - py), nt - Math.round(t));
      px = Math.round(x);
      py = Math.round(y);
      t = nt;
    }
    if (s < strokes - 1) moves.push(0, 0, Math.round(p.pauseMs * (0.6 + 0.8 * r())));
  }
  return {
    type: 'mouse',
    start: { x: 400, y: 300, t: 300 },
    moves,
    eventCount: moves.length,
    clicks: [
      {
        t: 5000,
        rx: Math.round(1000 * Math.min(1, Math.max(0, p.clickRx + 0.08 * gauss(r)))) / 1000,
        ry: Math.round(1000 * Math.min(1, Math.max(0, p.clickRy + 0.08 * gauss(r)))) / 1000,
        target: 'submit',
        pointerType: 'mouse',
        isTrusted: true,
      },
    ],
    touches: 0,
    viewport: { w: 1280, h: 800 },
  };
}

export function keysOf(sample: { down: number; up: number }[]): KeyEvent[] {
  return sample.map((k) => ({ d: Math.round(k.down * 10) / 10, u: Math.round(k.up * 10) / 10, c: 'char' as const }));
}

export function humanBundle(p: Person, visitorId: string, seed: number): SignalBundle {
  const r = rng(seed);
  const pw = typeSample(p.typist, r);
  return {
    v: 1,
    sdk: { version: '0.1.0' },
    device: { visitorId, storageId: `s-${visitorId}`, components: deviceComponents(visitorId), confidence: 0.6 },
    automation: { webdriver: false, bot: false, signals: [], untrustedEvents: 0 },
    typing: {
      fields: [
        {
          role: 'password',
          keys: keysOf(pw),
          pasted: false,
          autofilled: false,
          imeFallback: false,
          inputEvents: pw.length,
          startMs: 2500,
        },
      ],
    },
    pointer: humanPointer(p, r),
    page: {
      loadToSubmitMs: 4000 + Math.round(3000 * r()),
      focusChanges: 2,
      blurCount: 1,
      visibilityChanges: 0,
      path: '/login',
    },
  };
}

/** A naive bot: webdriver, instant typing, no pointer. */
export function botBundle(visitorId = 'bot-device', opts: { webdriver?: boolean } = {}): SignalBundle {
  const keys: KeyEvent[] = Array.from({ length: 10 }, (_, i) => ({ d: i * 5, u: i * 5, c: 'char' as const }));
  return {
    v: 1,
    sdk: { version: '0.1.0' },
    device: {
      visitorId,
      storageId: null,
      components: {
        platform: 'Linux x86_64',
        screen: '800x600',
        timezone: 'UTC',
        hardwareConcurrency: 2,
        languages: 'en-US',
      },
      confidence: 0.4,
    },
    automation: {
      webdriver: opts.webdriver ?? true,
      bot: opts.webdriver ?? true,
      signals: opts.webdriver === false ? [] : ['webdriver'],
      untrustedEvents: 0,
    },
    typing: {
      fields: [
        { role: 'password', keys, pasted: false, autofilled: false, imeFallback: false, inputEvents: 10, startMs: 100 },
      ],
    },
    pointer: {
      type: 'none',
      start: null,
      moves: [],
      eventCount: 0,
      clicks: [],
      touches: 0,
      viewport: { w: 800, h: 600 },
    },
    page: { loadToSubmitMs: 350, focusChanges: 0, blurCount: 0, visibilityChanges: 0, path: '/login' },
  };
}

export function deviceComponents(id: string): Record<string, string | number | boolean | null> {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return {
    platform: ['Win32', 'MacIntel', 'Linux x86_64'][h % 3],
    screen: ['1920x1080', '2560x1440', '1440x900', '1366x768'][(h >> 2) % 4],
    timezone: 'Asia/Tokyo',
    languages: 'ja-JP,ja',
    hardwareConcurrency: [4, 8, 12, 16][(h >> 4) % 4],
    deviceMemory: [4, 8][(h >> 6) % 2],
    colorDepth: 24,
    canvas: `c${h % 9973}`,
    webgl: `w${h % 7919}`,
    audio: `a${h % 101}`,
    fonts: `f${h % 499}`,
    vendor: 'Google Inc.',
  };
}

export const TOKYO: NetworkInfo = {
  ip: '203.0.113.10',
  country: 'JP',
  city: 'Tokyo',
  lat: 35.69,
  lon: 139.69,
  asn: 2516,
  asnOrg: 'KDDI CORPORATION',
  datacenter: false,
  tor: false,
  language: 'ja',
};
export const QUIET: VelocityCounts = {
  accountFailures: 0,
  accountDeviceFailures: 0,
  ipAccounts: 1,
  deviceAccounts: 1,
  asnAccounts: 1,
  ipFailures: 0,
  ipLogins: 1,
  asnLogins: 1,
  asnFailures: 0,
};

/** An account history built through the real learning functions from `logins` trusted logins of a person. */
export function learnedAccount(p: Person, logins: number, devices: string[], at: number): AccountHistory {
  let typing: unknown = null;
  let pointer: unknown = null;
  for (let i = 0; i < logins; i++) {
    const b = humanBundle(p, devices[i % devices.length], p.seed * 1000 + i);
    typing = JSON.parse(JSON.stringify(learnTypingProfile(typing, b.typing.fields)));
    pointer = JSON.parse(JSON.stringify(learnPointerProfile(pointer, b.pointer)));
  }
  return {
    isNew: false,
    loginCount: logins,
    trustedLogins: logins,
    typingProfile: typing,
    pointerProfile: pointer,
    countries: ['JP'],
    languages: ['ja'],
    // the network of TOKYO.ip (203.0.113.10): the owner's usual network
    networks: ['203.0.113.0/24'],
    lastLogin: { at, country: 'JP', lat: 35.69, lon: 139.69 },
  };
}

export function knownDevice(id: string): DeviceHistory {
  return { id, knownToAccount: true, fuzzyMatch: false, status: 'trusted', accountsSeen: 1 };
}
export function newDevice(id: string): DeviceHistory {
  return { id, knownToAccount: false, fuzzyMatch: false, status: 'new', accountsSeen: 1 };
}

export function scoringInput(
  parts: Partial<ScoringInput> & { account: AccountHistory },
  policy: Policy = DEFAULT_POLICY,
): ScoringInput {
  return {
    now: Date.UTC(2026, 5, 1),
    policy,
    event: { type: 'login', status: 'succeeded' },
    token: { state: 'valid' },
    bundle: null,
    device: null,
    network: TOKYO,
    velocity: QUIET,
    lists: [],
    ...parts,
  };
}
