// Accuracy protocols for keystroke data in the CMU DSL-StrongPasswordData layout (pure: the caller
// reads the file). Used by bench/typing-eer.ts and typing-cmu.spec.ts; the same protocols as the
// project's independent yardstick (Killourhy & Maxion, DSN 2009, and two product-like variants):
//   km2009  : train on the first half of a subject's reps, test on the second half; impostors are
//             the first 5 reps of every other subject.
//   few-N   : train on the first N reps only, same tests.
//   adapt-N : every genuine rep after the first N is scored against a profile fitted on the (up to
//             50) reps just before it; impostors against the profiles after reps 50, 100, 200, 300, 400.
// Not exported from the library index.
import type { KeyTiming } from './typing-model';

export interface TypingDetectorUnderTest {
  fitTypingProfile(samples: KeyTiming[][]): unknown;
  typingAnomaly(profile: never, sample: KeyTiming[]): number;
}

/** Subject → repetitions (in session/rep order) as raw key-down / key-up times in ms. */
export function parseKeystrokeCsv(text: string): Map<string, KeyTiming[][]> {
  const lines = text.trim().split(/\r?\n/);
  const rows: { subject: string; order: number; keys: KeyTiming[] }[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const [subject, session, rep] = cells;
    const t = cells.slice(3).map(Number);
    const nKeys = (t.length + 2) / 3; // H, DD, UD per key pair, then the last key's H
    const keys: KeyTiming[] = [];
    let down = 0;
    for (let k = 0; k < nKeys; k++) {
      keys.push({ down: down * 1000, up: (down + t[3 * k]) * 1000 });
      if (k < nKeys - 1) down += t[3 * k + 1];
    }
    rows.push({ subject, order: Number(session) * 1000 + Number(rep), keys });
  }
  const by = new Map<string, typeof rows>();
  for (const r of rows) by.set(r.subject, [...(by.get(r.subject) ?? []), r]);
  const out = new Map<string, KeyTiming[][]>();
  for (const [s, list] of by)
    out.set(
      s,
      list.sort((a, b) => a.order - b.order).map((r) => r.keys),
    );
  return out;
}

/** Killourhy & Maxion's "Manhattan (scaled)" detector, the reference yardstick. */
export const manhattanScaled: TypingDetectorUnderTest = {
  fitTypingProfile(samples) {
    const rows = samples.map(kmFeatures);
    const n = rows[0].length;
    const mean = Array.from({ length: n }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
    const mad = mean.map((m, j) => rows.reduce((s, r) => s + Math.abs(r[j] - m), 0) / rows.length || 1e-9);
    return { mean, mad };
  },
  typingAnomaly(profile: never, sample) {
    const { mean, mad } = profile as { mean: number[]; mad: number[] };
    return kmFeatures(sample).reduce((s, x, j) => s + Math.abs(x - mean[j]) / mad[j], 0);
  },
};

function kmFeatures(keys: KeyTiming[]): number[] {
  const f: number[] = [];
  keys.forEach((k, i) => {
    f.push(k.up - k.down);
    if (i + 1 < keys.length) f.push(keys[i + 1].down - k.down, keys[i + 1].down - k.up);
  });
  return f;
}

/** Equal error rate, interpolated where miss rate − false-alarm rate changes sign. */
export function equalErrorRate(genuine: number[], impostor: number[]): number {
  const thresholds = [...new Set([...genuine, ...impostor, -Infinity, Infinity])].sort((a, b) => a - b);
  const g = [...genuine].sort((a, b) => a - b);
  const im = [...impostor].sort((a, b) => a - b);
  let gi = 0;
  let ii = 0;
  let prev: { miss: number; fa: number } | undefined;
  for (const t of thresholds) {
    while (gi < g.length && g[gi] <= t) gi++;
    while (ii < im.length && im[ii] <= t) ii++;
    const fa = (g.length - gi) / g.length; // genuine rejected
    const miss = ii / im.length; // impostor accepted
    if (prev && prev.miss - prev.fa <= 0 && miss - fa >= 0) {
      const d0 = prev.miss - prev.fa;
      const d1 = miss - fa;
      const w = d1 === d0 ? 0.5 : -d0 / (d1 - d0);
      return prev.fa + w * (fa - prev.fa);
    }
    prev = { miss, fa };
  }
  return 0.5;
}

export type TypingProtocol = 'km2009' | 'few' | 'adapt';

/** Per-subject EERs of a detector under one protocol (profiles go through a JSON round trip). */
export function protocolEers(
  detector: TypingDetectorUnderTest,
  data: Map<string, KeyTiming[][]>,
  protocol: TypingProtocol,
  opts: { few?: number; subjects?: string[] } = {},
): number[] {
  const few = opts.few ?? 20;
  const all = [...data.keys()];
  const subjects = opts.subjects ?? all;
  const fit = (s: KeyTiming[][]) => JSON.parse(JSON.stringify(detector.fitTypingProfile(s))) as never;
  const eers: number[] = [];
  for (const subject of subjects) {
    const own = data.get(subject) ?? [];
    const impostors = all.filter((s) => s !== subject).flatMap((s) => (data.get(s) ?? []).slice(0, 5));
    const g: number[] = [];
    const i: number[] = [];
    if (protocol === 'adapt') {
      const fitAt = (n: number) => fit(own.slice(Math.max(0, n - 50), n));
      for (let n = few; n < own.length; n++) g.push(detector.typingAnomaly(fitAt(n), own[n]));
      for (const at of [50, 100, 200, 300, 400].filter((n) => n <= own.length && n >= few)) {
        const profile = fitAt(at);
        for (const k of impostors) i.push(detector.typingAnomaly(profile, k));
      }
    } else {
      const half = Math.floor(own.length / 2);
      const profile = fit(own.slice(0, protocol === 'km2009' ? half : few));
      for (const k of own.slice(half)) g.push(detector.typingAnomaly(profile, k));
      for (const k of impostors) i.push(detector.typingAnomaly(profile, k));
    }
    if ([...g, ...i].some((s) => !Number.isFinite(s))) throw new Error(`non-finite score for ${subject}`);
    eers.push(equalErrorRate(g, i));
  }
  return eers;
}

export function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}
