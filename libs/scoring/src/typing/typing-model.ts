// Typing-rhythm model, the maths behind detectors/typing.detector.ts: fitTypingProfile / typingAnomaly.
//
// How it works (docs/scoring-typing.md has the full story and the measured error rates):
//  - Features of a sequence of n keys: the log hold time of every key (n values) and the flight
//    time between consecutive keys (up-to-down, n-1 values), as asinh(flight / 700 ms): linear for
//    ordinary gaps, log-compressed for long pauses, and defined for negative flights (overlaps).
//    Down-down times are not used: DD = hold + flight, so they add little but double-count.
//  - Profile: per feature a robust centre (median) and a robust spread (1.4826 × MAD), shrunk
//    towards a population-typical spread when there are few samples, widened in quadrature by a
//    fixed day-to-day drift term, and floored, so a tiny enrolment cannot make a scale explode.
//  - Anomaly: the mean over features of the scaled deviation |x - centre| / spread, each clipped at
//    CLIP (one long hesitation cannot dominate), plus the same clipped distance to the nearest of
//    the (up to MAX_REFS most recent) enrolment samples, which captures typists with several
//    habitual rhythms. Hold times weigh a little more than flights (they are the steadiest trait).
//  - Samples whose length differs from the profile's (a typo not cleaned up, a missing Enter) are
//    aligned by a small dynamic programme in which every unmatched key or broken flight costs the
//    clipped maximum; when lengths are too different (another password) or either side is empty the
//    anomaly is TYPING_INCOMPARABLE, a finite large number — never NaN or Infinity.

/** One key in typing order: key-down and key-up times in ms. No key identity. */
export interface KeyTiming {
  down: number;
  up: number;
}

/** A fitted profile. Plain JSON: store it, send it, JSON.parse it back. */
export interface TypingProfile {
  v: 2;
  /** Number of keys in the sequences the profile was fitted on (0: empty profile). */
  length: number;
  /** Samples used to fit (only those of the modal length). */
  samples: number;
  /** Per feature: [hold_0, flight_0, hold_1, flight_1, …, hold_{n-1}]. */
  center: number[];
  scale: number[];
  /** Feature rows of up to MAX_REFS most recent samples, for the nearest-neighbour term. */
  refs: number[][];
}

/** What typingAnomaly returns when a sample cannot be compared with the profile (empty sample or
 *  profile, or a length too different to align). Finite, far above any real anomaly (≤ ~2·CLIP·1.3). */
export const TYPING_INCOMPARABLE = 1000;

/** Tuning constants (chosen on the CMU data, see docs/scoring-typing.md). */
export const TYPING_PARAMS = {
  /** asinh scale of flight times, ms */
  flightTau: 700,
  /** per-feature clip of the scaled deviation */
  clip: 4,
  /** weight of hold features relative to flights */
  holdWeight: 1.3,
  /** weight of the nearest-neighbour term relative to the distance to the centre */
  nnWeight: 1,
  /** reference samples kept for the nearest-neighbour term */
  maxRefs: 50,
  /** population-typical spread (1.4826·MAD) of a log hold time and of an asinh flight (CMU median) */
  priorSpread: { hold: 0.13, flight: 0.07 },
  /** pseudo-samples of the population spread mixed into each per-feature spread */
  priorSamples: 2,
  /** day-to-day drift added in quadrature to each spread (≈12 % of a hold, ≈35 ms of a flight) */
  drift: { hold: 0.12, flight: 0.05 },
  /** absolute floor of a spread */
  floor: 0.02,
  /** alignment is attempted when lengths differ by at most max(2, 25 % of the profile length) */
  maxLengthGap: 2,
  maxLengthGapRatio: 0.25,
} as const;

const P = TYPING_PARAMS;

/** Milliseconds below this are treated as this (clock granularity; keeps log finite). */
const MIN_MS = 1;

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Feature row of a key sequence: hold_0, flight_0, hold_1, …, hold_{n-1} (2n-1 values). */
export function typingFeatures(keys: readonly KeyTiming[]): number[] {
  const f: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    f.push(holdFeature(keys[i]));
    if (i + 1 < keys.length) f.push(flightFeature(keys[i], keys[i + 1]));
  }
  return f;
}

function holdFeature(k: KeyTiming): number {
  return Math.log(Math.max(MIN_MS, finite(k.up - k.down)));
}

function flightFeature(k: KeyTiming, next: KeyTiming): number {
  // clamp absurd values (clock jumps) so that nothing overflows
  const ms = Math.max(-60_000, Math.min(600_000, finite(next.down - k.up)));
  return Math.asinh(ms / P.flightTau);
}

const isHold = (j: number) => j % 2 === 0;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The length most samples share; ties go to the most recent sample's length. */
function modalLength(samples: readonly KeyTiming[][]): number {
  const counts = new Map<number, number>();
  for (const s of samples) if (s.length > 0) counts.set(s.length, (counts.get(s.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const n = samples[i].length;
    const c = counts.get(n) ?? 0;
    if (n > 0 && c > bestCount) {
      best = n;
      bestCount = c;
    }
  }
  return best;
}

/** Spread of feature j from the sample spread of N samples (shrinkage, drift, floor). */
export function typingScale(j: number, sampleSpread: number, n: number): number {
  const prior = isHold(j) ? P.priorSpread.hold : P.priorSpread.flight;
  const drift = isHold(j) ? P.drift.hold : P.drift.flight;
  const shrunk = (n * sampleSpread ** 2 + P.priorSamples * prior ** 2) / (n + P.priorSamples);
  return Math.max(P.floor, Math.sqrt(shrunk + drift ** 2));
}

/**
 * Fits a profile. Samples of mixed lengths: the modal length is kept and the others ignored.
 * No samples (or only empty ones): an empty profile, against which every sample is incomparable.
 */
export function fitTypingProfile(samples: KeyTiming[][]): TypingProfile {
  const length = modalLength(samples ?? []);
  const rows = (samples ?? []).filter((s) => s.length === length && length > 0).map(typingFeatures);
  const n = rows.length;
  const m = length > 0 ? 2 * length - 1 : 0;
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < m && n > 0; j++) {
    const col = rows.map((r) => r[j]);
    const c = median(col);
    const mad = 1.4826 * median(col.map((x) => Math.abs(x - c)));
    center.push(round(c));
    scale.push(round(typingScale(j, mad, n)));
  }
  return {
    v: 2,
    length: n > 0 ? length : 0,
    samples: n,
    center,
    scale,
    refs: rows.slice(-P.maxRefs).map((r) => r.map(round)),
  };
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

function weight(j: number): number {
  return isHold(j) ? P.holdWeight : 1;
}

function clipped(z: number): number {
  return z > P.clip ? P.clip : z;
}

/**
 * A hold feature below this (2 ms) is a key-up the SDK did not see, not a hold: it sends a missing
 * key-up as equal to the key-down, typically the Enter that submitted the form (its key-up comes after
 * the page took the bundle). A person's key is held far longer (0.01 % of CMU holds are under 2 ms).
 */
const UNSEEN_HOLD = Math.log(2);

/** Whether feature j of two rows can be compared: not a hold that either side did not see. */
export function typingFeatureSeen(j: number, a: number, b: number): boolean {
  return !isHold(j) || (a >= UNSEEN_HOLD && b >= UNSEEN_HOLD);
}

/**
 * Clipped weighted distance of an equal-length feature row to a reference row, per feature. A hold
 * that either side did not see counts as matching (unknown, not the furthest possible hold).
 */
function rowDistance(f: number[], ref: number[], scale: number[]): number {
  let d = 0;
  for (let j = 0; j < f.length; j++) {
    if (typingFeatureSeen(j, f[j], ref[j])) d += weight(j) * clipped(Math.abs(f[j] - ref[j]) / scale[j]);
  }
  return d;
}

function wellFormed(p: TypingProfile): boolean {
  return (
    !!p &&
    Number.isInteger(p.length) &&
    p.length > 0 &&
    Array.isArray(p.center) &&
    Array.isArray(p.scale) &&
    p.center.length === 2 * p.length - 1 &&
    p.scale.length === p.center.length &&
    p.center.every(Number.isFinite) &&
    p.scale.every((s) => Number.isFinite(s) && s > 0)
  );
}

function usableRefs(p: TypingProfile): number[][] {
  if (!Array.isArray(p.refs)) return [];
  return p.refs.filter((r) => Array.isArray(r) && r.length === p.center.length && r.every(Number.isFinite));
}

/** Whether a sample of this many keys can be compared with the profile at all. */
export function typingComparable(profile: TypingProfile, sampleLength: number): boolean {
  if (!wellFormed(profile) || !(sampleLength > 0)) return false;
  const gap = Math.abs(sampleLength - profile.length);
  return gap <= Math.max(P.maxLengthGap, Math.floor(P.maxLengthGapRatio * profile.length));
}

/**
 * Anomaly of a sample against a profile: higher = less alike; ~0.5-1.5 for a sample of the
 * profile's own typist, larger for others (see typingRisk for the calibrated mapping).
 * Returns TYPING_INCOMPARABLE (finite) when the two cannot be compared; never NaN or Infinity.
 */
export function typingAnomaly(profile: TypingProfile, sample: KeyTiming[]): number {
  if (!sample || !typingComparable(profile, sample.length)) return TYPING_INCOMPARABLE;
  const total = profile.center.reduce((s, _, j) => s + weight(j), 0);
  const refs = usableRefs(profile);
  let d: number;
  if (sample.length === profile.length) {
    const f = typingFeatures(sample);
    d = rowDistance(f, profile.center, profile.scale);
    if (refs.length) {
      let best = Infinity;
      for (const r of refs) best = Math.min(best, rowDistance(f, r, profile.scale));
      d += P.nnWeight * best;
    }
  } else {
    d = alignedDistance(sample, profile.center, profile.scale);
    if (refs.length) {
      let best = Infinity;
      for (const r of refs) best = Math.min(best, alignedDistance(sample, r, profile.scale));
      d += P.nnWeight * best;
    }
  }
  const a = d / total;
  return Number.isFinite(a) ? a : TYPING_INCOMPARABLE;
}

/**
 * Distance between a key sequence and a reference feature row of another length: a monotone
 * matching of sample keys to profile keys minimising the total cost, where a matched key compares
 * its hold, a flight is compared when both of its ends are matched consecutively, and every
 * profile feature left uncompared, as well as every extra sample key, costs the clipped maximum.
 * With equal lengths and no gaps this is exactly rowDistance.
 */
function alignedDistance(sample: readonly KeyTiming[], ref: number[], scale: number[]): number {
  const m = sample.length;
  const n = (ref.length + 1) / 2;
  const clip = P.clip;
  const hw = P.holdWeight;
  // per-pair costs: hold of sample key i vs profile key j; sample flight i→i+1 vs profile flight j→j+1
  const hold = new Float64Array(m * n);
  const flight = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const h = holdFeature(sample[i]);
    const f = i + 1 < m ? flightFeature(sample[i], sample[i + 1]) : 0;
    for (let j = 0; j < n; j++) {
      const zh = typingFeatureSeen(0, h, ref[2 * j]) ? Math.abs(h - ref[2 * j]) / scale[2 * j] : 0;
      hold[i * n + j] = hw * (zh > clip ? clip : zh);
      if (j + 1 < n) {
        const zf = Math.abs(f - ref[2 * j + 1]) / scale[2 * j + 1];
        flight[i * n + j] = zf > clip ? clip : zf;
      }
    }
  }
  const missHold = hw * clip;
  const missFlight = clip;
  const extraKey = hw * clip + clip;
  // M[i,j]: sample keys < i and profile keys < j consumed, sample i-1 matched to profile j-1.
  // G[i,j]: same, last step was not a match. A profile flight j-1→j is compared when key j is
  // matched right after a match of j-1 (and of the previous sample key), and missed otherwise.
  const w = n + 1;
  const M = new Float64Array((m + 1) * w).fill(Infinity);
  const G = new Float64Array((m + 1) * w).fill(Infinity);
  G[0] = 0;
  for (let i = 0; i <= m; i++) {
    for (let j = 0; j <= n; j++) {
      const fromM = M[i * w + j];
      const fromG = G[i * w + j];
      const base = fromM < fromG ? fromM : fromG;
      if (base === Infinity) continue;
      if (i < m && j < n) {
        let best = fromG + (j > 0 ? missFlight : 0);
        if (fromM < Infinity) {
          const viaM = fromM + flight[(i - 1) * n + (j - 1)];
          if (viaM < best) best = viaM;
        }
        const c = best + hold[i * n + j];
        if (c < M[(i + 1) * w + j + 1]) M[(i + 1) * w + j + 1] = c;
      }
      if (i < m && base + extraKey < G[(i + 1) * w + j]) G[(i + 1) * w + j] = base + extraKey;
      if (j < n) {
        const c = base + missHold + (j > 0 ? missFlight : 0);
        if (c < G[i * w + j + 1]) G[i * w + j + 1] = c;
      }
    }
  }
  const end = m * w + n;
  return M[end] < G[end] ? M[end] : G[end];
}
