// Pointer trajectory features (pure). bundle.pointer.moves is a flat, sampled, quantised
// [dx, dy, dt, ...] list (px, px, ms); see libs/sdk/src/pointer.ts.
import type { PointerSignals, ReasonDetail, ReasonDetailKey } from '@kizuki/contract';

/** A gap longer than this (ms) between two samples is a pause: it splits strokes. */
export const PAUSE_MS = 300;
/** Fewer moves than this: too little movement to judge a profile or script-likeness. */
export const MIN_MOVES = 10;

export interface PointerFeatures {
  moves: number;
  pathPx: number;
  durationMs: number;
  /** path length / moving time (px/ms) */
  meanSpeed: number;
  /** coefficient of variation of the per-sample speed */
  speedCV: number;
  /** mean |Δspeed| between consecutive samples, relative to the mean speed */
  accel: number;
  /** displacement / path length per stroke, path-weighted (1 = ruler straight) */
  straightness: number;
  /** mean absolute turning angle between consecutive samples (rad) */
  jitter: number;
  /** pauses (gaps > PAUSE_MS) */
  pauses: number;
  /** coefficient of variation of the gaps between samples (pauses excluded) */
  dtCV: number;
  /** samples that jump implausibly far in one step (a script setting the position) */
  teleports: number;
  /** the submit click's position in its target (0..1), if there was one */
  clickRx: number | null;
  clickRy: number | null;
}

function cv(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (m <= 0) return 0;
  const v = xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1);
  return Math.sqrt(v) / m;
}

/** Features of a trajectory, or null when there are fewer than MIN_MOVES usable moves. */
export function pointerFeatures(p: PointerSignals | null | undefined): PointerFeatures | null {
  const raw = p && Array.isArray(p.moves) ? p.moves : [];
  const moves: [number, number, number][] = [];
  for (let i = 0; i + 2 < raw.length; i += 3) {
    const [dx, dy, dt] = [raw[i], raw[i + 1], raw[i + 2]];
    if (Number.isFinite(dx) && Number.isFinite(dy) && Number.isFinite(dt) && dt >= 0) moves.push([dx, dy, dt]);
  }
  if (moves.length < MIN_MOVES) return null;
  let pathPx = 0;
  let movingMs = 0;
  let durationMs = 0;
  let pauses = 0;
  let teleports = 0;
  const speeds: number[] = [];
  const dts: number[] = [];
  const turns: number[] = [];
  let prevAngle: number | null = null;
  // strokes: runs of moves between pauses
  let strokePath = 0;
  let strokeX = 0;
  let strokeY = 0;
  let straightSum = 0;
  let straightWeight = 0;
  const closeStroke = () => {
    if (strokePath >= 20) {
      straightSum += Math.min(1, Math.hypot(strokeX, strokeY) / strokePath) * strokePath;
      straightWeight += strokePath;
    }
    strokePath = strokeX = strokeY = 0;
    prevAngle = null;
  };
  for (const [dx, dy, dt] of moves) {
    const dist = Math.hypot(dx, dy);
    durationMs += dt;
    if (dt > PAUSE_MS) {
      pauses++;
      closeStroke();
      continue;
    }
    if (dist > 400 && dt <= 20) teleports++;
    pathPx += dist;
    movingMs += dt;
    dts.push(dt);
    if (dt > 0) speeds.push(dist / dt);
    strokePath += dist;
    strokeX += dx;
    strokeY += dy;
    if (dist >= 1) {
      const a = Math.atan2(dy, dx);
      if (prevAngle !== null) {
        let d = Math.abs(a - prevAngle);
        if (d > Math.PI) d = 2 * Math.PI - d;
        turns.push(d);
      }
      prevAngle = a;
    }
  }
  closeStroke();
  const meanSpeed = movingMs > 0 ? pathPx / movingMs : 0;
  let accel = 0;
  for (let i = 1; i < speeds.length; i++) accel += Math.abs(speeds[i] - speeds[i - 1]);
  accel = speeds.length > 1 && meanSpeed > 0 ? accel / (speeds.length - 1) / meanSpeed : 0;
  const submit = (p?.clicks ?? []).filter((c) => c && c.target === 'submit').pop() ?? null;
  return {
    moves: moves.length,
    pathPx,
    durationMs,
    meanSpeed,
    speedCV: cv(speeds),
    accel,
    straightness: straightWeight > 0 ? straightSum / straightWeight : 1,
    jitter: turns.length ? turns.reduce((s, x) => s + x, 0) / turns.length : 0,
    pauses,
    dtCV: cv(dts),
    teleports,
    clickRx: submit && Number.isFinite(submit.rx) ? submit.rx : null,
    clickRy: submit && Number.isFinite(submit.ry) ? submit.ry : null,
  };
}

/** The vector a profile is built on (NaN = not available in this sample). */
export function pointerVector(f: PointerFeatures): number[] {
  return [
    Math.log(f.meanSpeed + 0.01),
    f.speedCV,
    f.accel,
    f.straightness,
    f.jitter,
    Math.log1p(f.pauses),
    f.clickRx ?? Number.NaN,
    f.clickRy ?? Number.NaN,
  ];
}

/** The vector's features as reason-detail keys, in POINTER_VECTOR_NAMES order. */
export const POINTER_FEATURE_KEYS = [
  'pointerFeature.logSpeed',
  'pointerFeature.speedVariation',
  'pointerFeature.acceleration',
  'pointerFeature.straightness',
  'pointerFeature.jitter',
  'pointerFeature.pauses',
  'pointerFeature.clickX',
  'pointerFeature.clickY',
] as const satisfies readonly ReasonDetailKey[];
export const POINTER_VECTOR_NAMES = [
  'log speed',
  'speed variation',
  'acceleration',
  'straightness',
  'jitter',
  'pauses',
  'click x',
  'click y',
] as const;
/** Smallest spread per feature, so a profile of a few very similar samples is not brittle. */
export const POINTER_SCALE_FLOOR = [0.15, 0.06, 0.06, 0.03, 0.05, 0.3, 0.06, 0.06] as const;

export interface PointerBotTrait {
  trait: 'teleport' | 'ruler' | 'no-movement-click' | 'centre-click' | 'untrusted-click';
  risk: number;
  detail: ReasonDetail;
}

/**
 * Script-like traits of the pointer data. A missing trajectory is never a trait on its own
 * (touch devices, keyboard users): only a mouse click that no movement led to is.
 */
export function pointerBotTraits(p: PointerSignals | null | undefined): PointerBotTrait[] {
  const out: PointerBotTrait[] = [];
  if (!p) return out;
  const clicks = Array.isArray(p.clicks) ? p.clicks : [];
  const untrusted = clicks.filter((c) => c && c.isTrusted === false).length;
  if (untrusted)
    out.push({
      trait: 'untrusted-click',
      risk: 0.6,
      detail: { key: 'pointer.untrustedClicks', params: { count: untrusted } },
    });
  const mouseClicks = clicks.filter((c) => c && c.pointerType === 'mouse' && c.isTrusted !== false);
  const moveCount = Array.isArray(p.moves) ? p.moves.length / 3 : 0;
  if (mouseClicks.length && moveCount === 0 && !(p.eventCount > 0)) {
    out.push({
      trait: 'no-movement-click',
      risk: 0.35,
      detail: { key: 'pointer.noMovementClick' },
    });
  }
  if (mouseClicks.length && mouseClicks.every((c) => Math.abs(c.rx - 0.5) < 0.003 && Math.abs(c.ry - 0.5) < 0.003)) {
    out.push({
      trait: 'centre-click',
      risk: 0.3,
      detail: { key: 'pointer.centreClick' },
    });
  }
  const f = pointerFeatures(p);
  if (f) {
    if (f.teleports > 0)
      out.push({
        trait: 'teleport',
        risk: 0.4,
        detail: { key: 'pointer.teleport', params: { count: f.teleports } },
      });
    if (f.moves >= 15 && f.straightness > 0.995 && f.speedCV < 0.05 && f.jitter < 0.02) {
      out.push({
        trait: 'ruler',
        risk: 0.5,
        detail: {
          key: 'pointer.ruler',
          params: { straightness: f.straightness.toFixed(3), cv: f.speedCV.toFixed(3) },
        },
      });
    }
  }
  return out;
}
