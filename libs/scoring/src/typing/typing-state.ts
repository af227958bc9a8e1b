// Learning without poisoning (docs/architecture.md): what is stored per account and how it changes.
//
//  - enrolling: the first ENROL_SAMPLES trusted samples are kept raw; no typing score yet.
//  - active: the enrolment samples are fitted once into a frozen `baseline`; a copy, `adapted`,
//    then follows the typist by a bounded step per trusted login (updateTypingProfile). A sample
//    is scored against both and the lower anomaly wins, so the typist can come back to the old
//    keyboard, and the adapted profile is tethered to the baseline so that no sequence of updates
//    can carry it arbitrarily far.
// Only trusted outcomes may call enrolTypingSample / learnTypingProfile (the worker decides that).
import type { FieldTyping } from '@kizuki/contract';
import { keyTimingsFromField } from './key-timings';
import {
  TYPING_INCOMPARABLE,
  TYPING_PARAMS,
  fitTypingProfile,
  typingAnomaly,
  typingComparable,
  typingFeatureSeen,
  typingFeatures,
  type KeyTiming,
  type TypingProfile,
} from './typing-model';
import { addCalibrationValue, calibrationValue, CALIBRATION_MAX } from './typing-calibration';

/** Trusted samples needed before a profile is active. */
export const ENROL_SAMPLES = 5;

export interface TypingUpdateOptions {
  /** fraction of the way the centre moves towards a sample (exponential forgetting) */
  rate?: number;
  /** bound on the centre's move per update, in units of that feature's spread */
  maxStep?: number;
  /** bound on the relative change of a spread per update */
  maxScaleStep?: number;
  /** a sample joins the nearest-neighbour references only if its mean clipped z to the centre is below this */
  gate?: number;
  /** the frozen baseline: the centre stays within TYPING_TETHER of its spreads, spreads ≥ half of its */
  baseline?: TypingProfile | null;
}

export const TYPING_UPDATE_DEFAULTS = { rate: 0.15, maxStep: 0.3, maxScaleStep: 0.05, gate: 1.2 } as const;

/** How far (in baseline spreads, per feature) the adapted centre may ever be from the baseline's. */
export const TYPING_TETHER = 6;

/** The stored per-field typing state. Plain JSON. */
export interface TypingProfileState {
  kind: 'kizuki.typing';
  v: 1;
  /** trusted samples accepted so far */
  count: number;
  /** raw enrolment samples while enrolling (emptied once active) */
  enrolment: KeyTiming[][];
  /** fitted on the enrolment samples, then frozen */
  baseline: TypingProfile | null;
  /** follows the typist by bounded steps */
  adapted: TypingProfile | null;
  /**
   * Log anomalies of the account's own trusted logins, each scored before it was learned
   * (leave-one-out; typing-calibration.ts), most recent last. Absent on states stored before it.
   */
  calibration?: number[];
}

/** What account.typingProfile holds: one state per field role. */
export interface TypingAccountProfile {
  kind: 'kizuki.typing.account';
  v: 1;
  password?: TypingProfileState;
  username?: TypingProfileState;
}

export type TypingEnrolment = 'enrolling' | 'active';

export function typingState(state: TypingProfileState | null | undefined): TypingEnrolment {
  return state && state.baseline && state.adapted ? 'active' : 'enrolling';
}

function emptyState(): TypingProfileState {
  return { kind: 'kizuki.typing', v: 1, count: 0, enrolment: [], baseline: null, adapted: null };
}

/**
 * Adds one trusted sample: kept for enrolment while enrolling (the profile turns active at
 * ENROL_SAMPLES samples of the same length), a bounded update of the adapted profile once active.
 * An empty or unusable sample leaves the state as it was. Never mutates its input.
 */
export function enrolTypingSample(
  state: TypingProfileState | null | undefined,
  sample: KeyTiming[] | null | undefined,
): TypingProfileState {
  const current = state ? cloneState(state) : emptyState();
  if (!sample || sample.length === 0 || !sample.every((k) => Number.isFinite(k.down) && Number.isFinite(k.up)))
    return current;
  const clean = sample.map((k) => ({ down: round(k.down), up: round(k.up) }));
  if (current.adapted && current.baseline) {
    // scored before it is learned: the profile has not seen this sample (leave-one-out)
    const value = calibrationValue(typingStateAnomaly(current, clean), typingStateSamples(current));
    current.calibration = addCalibrationValue(current.calibration, value);
    current.adapted = updateTypingProfile(current.adapted, clean, { baseline: current.baseline });
    current.count += 1;
    return current;
  }
  current.enrolment = [...current.enrolment, clean].slice(-2 * ENROL_SAMPLES);
  current.count += 1;
  const profile = fitTypingProfile(current.enrolment);
  if (profile.samples >= ENROL_SAMPLES) {
    current.calibration = enrolmentCalibration(current.enrolment, profile);
    current.baseline = profile;
    current.adapted = cloneProfile(profile);
    current.enrolment = [];
  }
  return current;
}

/** Leave-one-out anomalies of the enrolment samples: each against a profile fitted on the others. */
function enrolmentCalibration(samples: KeyTiming[][], profile: TypingProfile): number[] {
  let values: number[] = [];
  const usable = samples.filter((s) => s.length === profile.length);
  for (let i = 0; i < usable.length; i++) {
    const others = fitTypingProfile(usable.filter((_, j) => j !== i));
    values = addCalibrationValue(values, calibrationValue(typingAnomaly(others, usable[i]), others.samples));
  }
  return values;
}

/**
 * Moves a profile towards one trusted sample by a bounded step: every centre value moves by
 * rate × its deviation but never more than maxStep spreads; every spread follows the clipped
 * deviation but changes by at most maxScaleStep; the sample becomes a nearest-neighbour reference
 * only if it is already close to the centre (gate), so one odd login cannot become a template.
 * A sample of another length does not update (returns an unchanged copy).
 * With opts.baseline, the centre is kept within TYPING_TETHER baseline spreads of the baseline's.
 */
export function updateTypingProfile(
  profile: TypingProfile,
  sample: KeyTiming[],
  opts?: TypingUpdateOptions,
): TypingProfile {
  const o = { ...TYPING_UPDATE_DEFAULTS, ...(opts ?? {}) };
  const baseline = opts?.baseline;
  const next = cloneProfile(profile);
  if (!sample || sample.length !== profile.length || !typingComparable(profile, sample.length)) return next;
  const f = typingFeatures(sample);
  let z = 0;
  let wsum = 0;
  for (let j = 0; j < f.length; j++) {
    const w = j % 2 === 0 ? TYPING_PARAMS.holdWeight : 1;
    if (typingFeatureSeen(j, f[j], profile.center[j]))
      z += w * Math.min(TYPING_PARAMS.clip, Math.abs(f[j] - profile.center[j]) / profile.scale[j]);
    wsum += w;
  }
  const centreZ = z / wsum;
  const tethered = baseline && baseline.center.length === profile.center.length ? baseline : null;
  for (let j = 0; j < f.length; j++) {
    const c = profile.center[j];
    const s = profile.scale[j];
    // a hold the SDK did not see (on this login or on those the profile was fitted on) teaches nothing
    if (!typingFeatureSeen(j, f[j], c)) continue;
    const dev = f[j] - c;
    const step = Math.max(-o.maxStep * s, Math.min(o.maxStep * s, o.rate * dev));
    let c2 = c + step;
    if (tethered) {
      const lim = TYPING_TETHER * tethered.scale[j];
      c2 = Math.max(tethered.center[j] - lim, Math.min(tethered.center[j] + lim, c2));
    }
    const clippedDev = Math.min(Math.abs(dev), TYPING_PARAMS.clip * s);
    // the spread is sqrt(variance + drift²) (see typingScale): forget the variance exponentially
    const drift = j % 2 === 0 ? TYPING_PARAMS.drift.hold : TYPING_PARAMS.drift.flight;
    const target = Math.sqrt((1 - o.rate) * s * s + o.rate * (clippedDev * clippedDev + drift * drift));
    const minScale = tethered ? 0.5 * tethered.scale[j] : TYPING_PARAMS.floor;
    const s2 = Math.max(
      minScale,
      TYPING_PARAMS.floor,
      Math.max(s * (1 - o.maxScaleStep), Math.min(s * (1 + o.maxScaleStep), target)),
    );
    next.center[j] = round(c2);
    next.scale[j] = round(s2);
  }
  if (centreZ <= o.gate)
    next.refs = [...(Array.isArray(next.refs) ? next.refs : []), f.map(round)].slice(-TYPING_PARAMS.maxRefs);
  next.samples = Math.min(1000, (profile.samples || 0) + 1);
  return next;
}

/**
 * Anomaly of a sample for a stored state: the lower of the anomalies against the adapted profile
 * and the frozen baseline. TYPING_INCOMPARABLE while enrolling or when lengths cannot be aligned.
 */
export function typingStateAnomaly(state: TypingProfileState | null | undefined, sample: KeyTiming[]): number {
  if (!state?.adapted || !state.baseline) return TYPING_INCOMPARABLE;
  return Math.min(typingAnomaly(state.adapted, sample), typingAnomaly(state.baseline, sample));
}

/** Samples behind an active state's profile, for typingRisk. */
export function typingStateSamples(state: TypingProfileState): number {
  return Math.max(state.baseline?.samples ?? 0, Math.min(50, state.adapted?.samples ?? 0));
}

/** Whether a sample can be compared with an active state at all. */
export function typingStateComparable(state: TypingProfileState | null | undefined, sampleLength: number): boolean {
  return !!state?.adapted && !!state.baseline && typingComparable(state.baseline, sampleLength);
}

// ---- validation of stored JSON -------------------------------------------------------------

function isNumArray(x: unknown, len?: number): x is number[] {
  return (
    Array.isArray(x) &&
    (len === undefined || x.length === len) &&
    x.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/** A TypingProfile from stored JSON, or null if it is not a well-formed one. */
export function parseTypingProfile(x: unknown): TypingProfile | null {
  if (!x || typeof x !== 'object') return null;
  const p = x as Record<string, unknown>;
  const length = p.length;
  if (p.v !== 2 || typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > 1000) return null;
  const m = 2 * length - 1;
  if (!isNumArray(p.center, m) || !isNumArray(p.scale, m) || !(p.scale as number[]).every((s) => s > 0)) return null;
  const refs = Array.isArray(p.refs)
    ? p.refs.filter((r): r is number[] => isNumArray(r, m)).slice(-TYPING_PARAMS.maxRefs)
    : [];
  const samples = typeof p.samples === 'number' && Number.isFinite(p.samples) && p.samples >= 0 ? p.samples : 0;
  return { v: 2, length, samples, center: [...(p.center as number[])], scale: [...(p.scale as number[])], refs };
}

function parseSample(x: unknown): KeyTiming[] | null {
  if (!Array.isArray(x) || x.length === 0 || x.length > 1000) return null;
  const out: KeyTiming[] = [];
  for (const k of x) {
    if (!k || typeof k !== 'object') return null;
    const { down, up } = k as Record<string, unknown>;
    if (typeof down !== 'number' || typeof up !== 'number' || !Number.isFinite(down) || !Number.isFinite(up))
      return null;
    out.push({ down, up });
  }
  return out;
}

/** A TypingProfileState from stored JSON, or null if it is not one (never throws). */
export function parseTypingState(x: unknown): TypingProfileState | null {
  if (!x || typeof x !== 'object') return null;
  const s = x as Record<string, unknown>;
  if (s.kind !== 'kizuki.typing' || s.v !== 1) return null;
  const enrolment = Array.isArray(s.enrolment)
    ? s.enrolment
        .map(parseSample)
        .filter((k): k is KeyTiming[] => !!k)
        .slice(-2 * ENROL_SAMPLES)
    : [];
  const baseline = parseTypingProfile(s.baseline);
  const adapted = parseTypingProfile(s.adapted);
  const consistent = baseline && adapted && baseline.length === adapted.length;
  const count =
    typeof s.count === 'number' && Number.isFinite(s.count) && s.count >= 0 ? Math.floor(s.count) : enrolment.length;
  const calibration = Array.isArray(s.calibration)
    ? s.calibration.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).slice(-CALIBRATION_MAX)
    : undefined;
  return {
    kind: 'kizuki.typing',
    v: 1,
    count,
    enrolment,
    baseline: consistent ? baseline : null,
    adapted: consistent ? adapted : null,
    ...(consistent && calibration ? { calibration } : {}),
  };
}

/** The account's typing profile from stored JSON; a bare TypingProfileState counts as the password's. */
export function parseTypingAccountProfile(x: unknown): TypingAccountProfile {
  const out: TypingAccountProfile = { kind: 'kizuki.typing.account', v: 1 };
  if (!x || typeof x !== 'object') return out;
  const bare = parseTypingState(x);
  if (bare) {
    out.password = bare;
    return out;
  }
  const a = x as Record<string, unknown>;
  if (a.kind !== 'kizuki.typing.account') return out;
  const password = parseTypingState(a.password);
  const username = parseTypingState(a.username);
  if (password) out.password = password;
  if (username) out.username = username;
  return out;
}

/**
 * For the worker, after a trusted outcome only: enrols / updates the account's typing profile from
 * the bundle's typed (not pasted, not autofilled) username and password fields. Returns the new
 * stored value (unchanged if nothing was typed).
 */
export function learnTypingProfile(
  stored: unknown,
  fields: readonly FieldTyping[] | null | undefined,
): TypingAccountProfile {
  const profile = parseTypingAccountProfile(stored);
  for (const role of ['password', 'username'] as const) {
    const field = (fields ?? []).find((f) => f && f.role === role);
    if (!field || field.pasted || field.autofilled) continue;
    const sample = keyTimingsFromField(field.keys);
    if (!sample) continue;
    profile[role] = enrolTypingSample(profile[role] ?? null, sample);
  }
  return profile;
}

// Copies by shape, not through JSON text: a JSON round trip of the state was ~4 % of the worker's CPU
// (bench/load.ts --cost profile). States and profiles are plain data of finite numbers (parseTypingState).
function cloneProfile(p: TypingProfile): TypingProfile {
  return {
    ...p,
    center: [...p.center],
    scale: [...p.scale],
    ...(p.refs ? { refs: p.refs.map((r) => [...r]) } : {}),
  };
}

function cloneState(s: TypingProfileState): TypingProfileState {
  const { calibration, ...rest } = s;
  return {
    ...rest,
    enrolment: s.enrolment.map((sample) => sample.map((k) => ({ ...k }))),
    baseline: s.baseline ? cloneProfile(s.baseline) : s.baseline,
    adapted: s.adapted ? cloneProfile(s.adapted) : s.adapted,
    ...(calibration ? { calibration: [...calibration] } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
