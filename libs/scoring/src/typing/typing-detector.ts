// Typing-rhythm detector (DESIGN.md §3 contract). Baseline: Manhattan distance scaled by the mean
// absolute deviation (Killourhy & Maxion 2009) on hold, down-down and up-down times.

/** One key in typing order: key-down and key-up times in ms. No key identity. */
export interface KeyTiming {
  down: number;
  up: number;
}

export interface TypingProfile {
  v: 1;
  /** number of keys the profile was fitted on */
  length: number;
  mean: number[];
  mad: number[];
  samples: number;
}

function features(keys: KeyTiming[]): number[] {
  const f: number[] = [];
  keys.forEach((k, i) => {
    f.push(k.up - k.down);
    if (i + 1 < keys.length) f.push(keys[i + 1].down - k.down, keys[i + 1].down - k.up);
  });
  return f;
}

export function fitTypingProfile(samples: KeyTiming[][]): TypingProfile {
  const length = samples[0]?.length ?? 0;
  const rows = samples.filter((s) => s.length === length).map(features);
  const n = rows[0]?.length ?? 0;
  const mean = Array.from({ length: n }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const mad = mean.map((m, j) => rows.reduce((s, r) => s + Math.abs(r[j] - m), 0) / rows.length || 1e-9);
  return { v: 1, length, mean, mad, samples: rows.length };
}

export function typingAnomaly(profile: TypingProfile, sample: KeyTiming[]): number {
  const f = features(sample);
  if (f.length !== profile.mean.length) return Number.MAX_SAFE_INTEGER;
  return f.reduce((s, x, j) => s + Math.abs(x - profile.mean[j]) / profile.mad[j], 0) / Math.max(1, f.length);
}
