// Per-account pointer profile, learned like the typing profile (typing-state.ts): enrolment
// samples → frozen baseline; an adapted copy follows by bounded steps, tethered to the baseline;
// a sample is scored against both and the lower anomaly wins. One state per pointer type (a
// touch phone and a desktop mouse are different habits: never compared with each other).
import type { PointerSignals } from '@kizuki/contract';
import { POINTER_SCALE_FLOOR, pointerFeatures, pointerVector } from './pointer-features';

export const POINTER_ENROL_SAMPLES = 5;
export const POINTER_UPDATE = { rate: 0.15, maxStep: 0.3, maxScaleStep: 0.05, tether: 6, clip: 4 } as const;
/** anomaly at which scores.pointer is 0.5, and the logistic's width */
export const POINTER_THRESHOLD = 2.0;
export const POINTER_WIDTH = 0.3;

export type PointerType = 'mouse' | 'touch' | 'pen';

export interface PointerModel {
  center: number[];
  scale: number[];
  samples: number;
}

export interface PointerTypeState {
  count: number;
  enrolment: number[][];
  baseline: PointerModel | null;
  adapted: PointerModel | null;
}

export interface PointerAccountProfile {
  kind: 'kizuki.pointer';
  v: 1;
  types: Partial<Record<PointerType, PointerTypeState>>;
}

const DIM = POINTER_SCALE_FLOOR.length;
const TYPES: readonly PointerType[] = ['mouse', 'touch', 'pen'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fit(samples: number[][]): PointerModel {
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < DIM; j++) {
    const xs = samples.map((s) => s[j]).filter((x) => Number.isFinite(x));
    if (!xs.length) {
      center.push(Number.NaN);
      scale.push(POINTER_SCALE_FLOOR[j]);
      continue;
    }
    const c = median(xs);
    const mad = 1.4826 * median(xs.map((x) => Math.abs(x - c)));
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - c) * (x - c), 0) / Math.max(1, xs.length - 1));
    center.push(round(c));
    scale.push(round(Math.max(POINTER_SCALE_FLOOR[j], (mad + sd) / 2)));
  }
  return { center, scale, samples: samples.length };
}

/** Mean clipped |z| over the features both the model and the sample have. */
export function pointerModelAnomaly(m: PointerModel, x: number[]): number {
  let z = 0;
  let n = 0;
  for (let j = 0; j < DIM; j++) {
    if (!Number.isFinite(m.center[j]) || !Number.isFinite(x[j])) continue;
    z += Math.min(POINTER_UPDATE.clip, Math.abs(x[j] - m.center[j]) / m.scale[j]);
    n++;
  }
  return n >= 4 ? z / n : Number.NaN;
}

function update(m: PointerModel, x: number[], baseline: PointerModel): PointerModel {
  const o = POINTER_UPDATE;
  const next: PointerModel = { center: [...m.center], scale: [...m.scale], samples: Math.min(1000, m.samples + 1) };
  for (let j = 0; j < DIM; j++) {
    if (!Number.isFinite(x[j])) continue;
    const s = m.scale[j];
    if (!Number.isFinite(m.center[j])) {
      next.center[j] = round(x[j]);
      continue;
    }
    const dev = x[j] - m.center[j];
    let c = m.center[j] + Math.max(-o.maxStep * s, Math.min(o.maxStep * s, o.rate * dev));
    if (Number.isFinite(baseline.center[j])) {
      const lim = o.tether * baseline.scale[j];
      c = Math.max(baseline.center[j] - lim, Math.min(baseline.center[j] + lim, c));
    }
    const clipped = Math.min(Math.abs(dev), o.clip * s);
    const target = Math.sqrt((1 - o.rate) * s * s + o.rate * clipped * clipped);
    const s2 = Math.max(
      0.5 * baseline.scale[j],
      POINTER_SCALE_FLOOR[j],
      Math.max(s * (1 - o.maxScaleStep), Math.min(s * (1 + o.maxScaleStep), target)),
    );
    next.center[j] = round(c);
    next.scale[j] = round(s2);
  }
  return next;
}

function isModel(x: unknown): x is PointerModel {
  if (!x || typeof x !== 'object') return false;
  const m = x as Record<string, unknown>;
  const nums = (a: unknown, pos: boolean) =>
    Array.isArray(a) &&
    a.length === DIM &&
    a.every((v) => v === null || (typeof v === 'number' && (pos ? v > 0 : true)));
  return (
    nums(m.center, false) &&
    nums(m.scale, true) &&
    (m.scale as unknown[]).every((v) => typeof v === 'number') &&
    typeof m.samples === 'number'
  );
}

function parseModel(x: unknown): PointerModel | null {
  if (!isModel(x)) return null;
  // JSON turns NaN into null: back to NaN
  return {
    center: x.center.map((v) => (typeof v === 'number' ? v : Number.NaN)),
    scale: [...x.scale],
    samples: x.samples,
  };
}

/** The stored pointer profile, validated (never throws; junk → empty profile). */
export function parsePointerProfile(x: unknown): PointerAccountProfile {
  const out: PointerAccountProfile = { kind: 'kizuki.pointer', v: 1, types: {} };
  if (!x || typeof x !== 'object') return out;
  const p = x as Record<string, unknown>;
  if (p.kind !== 'kizuki.pointer' || p.v !== 1 || !p.types || typeof p.types !== 'object') return out;
  for (const t of TYPES) {
    const s = (p.types as Record<string, unknown>)[t] as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object') continue;
    const enrolment = Array.isArray(s.enrolment)
      ? s.enrolment
          .filter((e): e is unknown[] => Array.isArray(e) && e.length === DIM)
          .map((e) => e.map((v) => (typeof v === 'number' ? v : Number.NaN)))
          .slice(-2 * POINTER_ENROL_SAMPLES)
      : [];
    const baseline = parseModel(s.baseline);
    const adapted = parseModel(s.adapted);
    out.types[t] = {
      count: typeof s.count === 'number' && s.count >= 0 ? Math.floor(s.count) : enrolment.length,
      enrolment,
      baseline: baseline && adapted ? baseline : null,
      adapted: baseline && adapted ? adapted : null,
    };
  }
  return out;
}

function typeOf(p: PointerSignals | null | undefined): PointerType | null {
  return p && (p.type === 'mouse' || p.type === 'touch' || p.type === 'pen') ? p.type : null;
}

/**
 * For the worker, after a trusted outcome only: adds the bundle's trajectory to the profile of its
 * pointer type (enrolment, then bounded update). Returns the stored value (unchanged without movement).
 */
export function learnPointerProfile(
  stored: unknown,
  pointer: PointerSignals | null | undefined,
): PointerAccountProfile {
  const profile = parsePointerProfile(stored);
  const type = typeOf(pointer);
  const f = pointerFeatures(pointer);
  if (!type || !f) return profile;
  const x = pointerVector(f).map(round);
  const s: PointerTypeState = profile.types[type] ?? { count: 0, enrolment: [], baseline: null, adapted: null };
  if (s.baseline && s.adapted) {
    profile.types[type] = { ...s, count: s.count + 1, adapted: update(s.adapted, x, s.baseline) };
    return profile;
  }
  const enrolment = [...s.enrolment, x].slice(-2 * POINTER_ENROL_SAMPLES);
  if (enrolment.length >= POINTER_ENROL_SAMPLES) {
    const model = fit(enrolment);
    profile.types[type] = {
      count: s.count + 1,
      enrolment: [],
      baseline: model,
      adapted: { ...model, center: [...model.center], scale: [...model.scale] },
    };
  } else {
    profile.types[type] = { ...s, count: s.count + 1, enrolment };
  }
  return profile;
}

export interface PointerComparison {
  type: PointerType;
  anomaly: number;
  /** 0..1, the value answered as scores.pointer */
  score: number;
  /** the features furthest from the profile, for the explanation */
  furthest: string[];
}

/** Compares a trajectory with the account's active profile of the same pointer type, or null. */
export function comparePointer(
  stored: unknown,
  pointer: PointerSignals | null | undefined,
  names: readonly string[],
): PointerComparison | null {
  const type = typeOf(pointer);
  const f = pointerFeatures(pointer);
  if (!type || !f) return null;
  const s = parsePointerProfile(stored).types[type];
  if (!s?.baseline || !s.adapted) return null;
  const x = pointerVector(f);
  const a = pointerModelAnomaly(s.adapted, x);
  const b = pointerModelAnomaly(s.baseline, x);
  const anomaly = Math.min(Number.isNaN(a) ? Infinity : a, Number.isNaN(b) ? Infinity : b);
  if (!Number.isFinite(anomaly)) return null;
  const m = a <= b ? s.adapted : s.baseline;
  const z = x.map((v, j) =>
    Number.isFinite(v) && Number.isFinite(m.center[j]) ? Math.abs(v - m.center[j]) / m.scale[j] : 0,
  );
  const furthest = z
    .map((v, j) => [v, j] as const)
    .filter(([v]) => v > 2)
    .sort((p, q) => q[0] - p[0])
    .slice(0, 3)
    .map(([, j]) => names[j]);
  const score = Math.round(1000 / (1 + Math.exp(-(anomaly - POINTER_THRESHOLD) / POINTER_WIDTH))) / 1000;
  return { type, anomaly, score, furthest };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x;
}
