// Human input for browser tests and the detection harness (bench/detection.ts): real people's key
// timings replayed through Chromium's input pipeline, a documented pointer-movement model, and
// timed CDP key dispatch. The pure parts (CSV parsing, plans, the pointer model) have no browser
// dependency and are unit-tested in test/browser/detection.browser-spec.ts.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

// ---------------------------------------------------------------------------------------------
// Randomness: seeded, so a run can be repeated exactly.

export type Rng = () => number;

/** mulberry32: a small, fast, seeded PRNG giving floats in [0, 1). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A string's 32-bit FNV-1a hash, to derive per-account seeds. */
export function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------------------------------------
// CMU keystroke data (Killourhy & Maxion, DSN 2009): 51 subjects × 400 repetitions of the
// password ".tie5Roanl" + Return, as hold (H), down-down (DD) and up-down (UD) times in seconds.

export const CMU_PASSWORD = '.tie5Roanl';
/** The keys of one repetition, in typing order ("Shift.r" of the CSV is the capital R). */
export const CMU_KEYS = ['.', 't', 'i', 'e', '5', 'R', 'o', 'a', 'n', 'l', 'Enter'] as const;

/** Where the data set lives (research data: read in place, never copied into the repository). */
export const CMU_CSV = process.env.KIZUKI_CMU_CSV || resolve(__dirname, '../../../shared/data/keystroke/DSL-StrongPasswordData.csv');

export interface TimedKey {
  key: string;
  /** key-down and key-up, ms from the repetition's first key-down */
  down: number;
  up: number;
}

export interface CmuRep {
  subject: string;
  session: number;
  rep: number;
  keys: TimedKey[];
}

export function cmuAvailable(file = CMU_CSV): boolean {
  return existsSync(file);
}

/**
 * Reads the CSV into repetitions per subject (in session/rep order), rebuilding absolute key-down
 * and key-up times the way /work/shared/tools/typing-eer.ts `readReps` does: down(k+1) = down(k) +
 * DD(k,k+1), up(k) = down(k) + H(k).
 */
export function readCmuReps(file = CMU_CSV): Map<string, CmuRep[]> {
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const bySubject = new Map<string, CmuRep[]>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const [subject, session, rep] = cells;
    const t = cells.slice(3).map(Number);
    const nKeys = (t.length + 2) / 3;
    if (nKeys !== CMU_KEYS.length || t.some((x) => !Number.isFinite(x))) continue;
    const keys: TimedKey[] = [];
    let down = 0;
    for (let k = 0; k < nKeys; k++) {
      keys.push({ key: CMU_KEYS[k], down: down * 1000, up: (down + t[3 * k]) * 1000 });
      if (k < nKeys - 1) down += t[3 * k + 1];
    }
    const list = bySubject.get(subject) ?? [];
    list.push({ subject, session: Number(session), rep: Number(rep), keys });
    bySubject.set(subject, list);
  }
  for (const list of bySubject.values()) list.sort((a, b) => a.session - b.session || a.rep - b.rep);
  return bySubject;
}

// ---------------------------------------------------------------------------------------------
// Key events and timed dispatch through CDP (Input.dispatchKeyEvent goes through the same
// pipeline as a real keyboard: the page sees trusted keydown/keypress/input/keyup events).

export interface KeyEvent {
  /** ms from the start of the plan */
  t: number;
  type: 'down' | 'up';
  /** a character, or 'Enter' / 'Shift' / 'Backspace' / 'Tab' */
  key: string;
}

/** Key-down/up events of timed keys; upper-case and shifted symbols get a Shift press around them. */
export function keyEventsOf(keys: readonly TimedKey[]): KeyEvent[] {
  const events: KeyEvent[] = [];
  keys.forEach((k, i) => {
    if (needsShift(k.key)) {
      const prevDown = i > 0 ? keys[i - 1].down : k.down - 200;
      const lead = Math.min(120, Math.max(5, 0.5 * (k.down - prevDown)));
      const next = keys[i + 1];
      let release = k.up + 15;
      if (next && release > next.down - 3) release = Math.max(k.up, next.down - 3);
      events.push({ t: k.down - lead, type: 'down', key: 'Shift' }, { t: Math.max(k.down + 5, release), type: 'up', key: 'Shift' });
    }
    events.push({ t: k.down, type: 'down', key: k.key }, { t: k.up, type: 'up', key: k.key });
  });
  // order by time; at equal times a key-up goes first (rollover stays intact)
  return events.sort((a, b) => a.t - b.t || (a.type === 'up' ? -1 : 1));
}

function needsShift(key: string): boolean {
  return key.length === 1 && (/[A-Z]/.test(key) || '~!@#$%^&*()_+{}|:"<>?'.includes(key));
}

const SHIFTED: Record<string, [string, string, number]> = {
  '@': ['Digit2', '2', 50], '!': ['Digit1', '1', 49], '#': ['Digit3', '3', 51], _: ['Minus', '-', 189], '+': ['Equal', '=', 187],
};
const PLAIN: Record<string, [string, number]> = {
  '.': ['Period', 190], ',': ['Comma', 188], '-': ['Minus', 189], '=': ['Equal', 187], '/': ['Slash', 191], ' ': ['Space', 32],
};

interface KeyDef {
  key: string;
  code: string;
  windowsVirtualKeyCode: number;
  text?: string;
}

export function keyDefinition(key: string): KeyDef {
  if (key === 'Enter') return { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' };
  if (key === 'Shift') return { key: 'Shift', code: 'ShiftLeft', windowsVirtualKeyCode: 16 };
  if (key === 'Backspace') return { key: 'Backspace', code: 'Backspace', windowsVirtualKeyCode: 8 };
  if (key === 'Tab') return { key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 };
  if (/^[a-z]$/i.test(key)) return { key, code: `Key${key.toUpperCase()}`, windowsVirtualKeyCode: key.toUpperCase().charCodeAt(0), text: key };
  if (/^[0-9]$/.test(key)) return { key, code: `Digit${key}`, windowsVirtualKeyCode: key.charCodeAt(0), text: key };
  if (SHIFTED[key]) return { key, code: SHIFTED[key][0], windowsVirtualKeyCode: SHIFTED[key][2], text: key };
  if (PLAIN[key]) return { key, code: PLAIN[key][0], windowsVirtualKeyCode: PLAIN[key][1], text: key };
  throw new Error(`no key definition for ${JSON.stringify(key)}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Dispatches the events through CDP at their planned times (sleeping, then spinning the last few
 * ms). Returns the actual send times (ms from the plan's start). Shift state is tracked so that
 * shifted keys carry the Shift modifier like a real keyboard's events.
 */
export async function dispatchKeyEvents(cdp: CDPSession, events: readonly KeyEvent[]): Promise<number[]> {
  const sent: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const first = events.length ? events[0].t : 0;
  const t0 = performance.now() + 20;
  let shift = false;
  for (const ev of events) {
    const at = t0 + ev.t - first;
    const wait = at - performance.now();
    if (wait > 4) await sleep(wait - 3);
    while (performance.now() < at) {
      /* spin the last few ms for precision */
    }
    const k = keyDefinition(ev.key);
    if (ev.key === 'Shift') shift = ev.type === 'down';
    const modifiers = shift && ev.key !== 'Shift' ? 8 : ev.key === 'Shift' && ev.type === 'down' ? 8 : 0;
    sent.push(performance.now() - t0);
    const common = { key: k.key, code: k.code, windowsVirtualKeyCode: k.windowsVirtualKeyCode, nativeVirtualKeyCode: k.windowsVirtualKeyCode, modifiers };
    pending.push(
      cdp
        .send(
          'Input.dispatchKeyEvent',
          ev.type === 'down' ? (k.text ? { type: 'keyDown', ...common, text: k.text, unmodifiedText: k.text } : { type: 'rawKeyDown', ...common }) : { type: 'keyUp', ...common },
        )
        // the Enter that submits a form navigates away; a key-up that lands on the next page is harmless
        .catch(() => undefined),
    );
  }
  await Promise.all(pending);
  return sent;
}

/**
 * A person's typing of `text` without recorded timings: log-normal inter-key gaps and hold times
 * around the given medians (keystroke intervals are well described as log-normal). Used for
 * usernames (which the CMU data has no timings for) and for "human-like" bots.
 */
export function lognormalTyping(text: string, rng: Rng, opts: { gapMs?: number; gapSigma?: number; holdMs?: number; holdSigma?: number } = {}): TimedKey[] {
  const { gapMs = 180, gapSigma = 0.45, holdMs = 95, holdSigma = 0.25 } = opts;
  let t = 0;
  return [...text].map((key, i) => {
    if (i > 0) t += Math.max(25, gapMs * Math.exp(gapSigma * gaussian(rng)));
    const hold = Math.max(30, holdMs * Math.exp(holdSigma * gaussian(rng)));
    return { key, down: t, up: t + hold };
  });
}

/** Constant (metronome) or uniform-random key delays, the way a simple script types. */
export function scriptedTyping(text: string, mode: 'constant' | 'uniform', rng: Rng, delayMs = 120): TimedKey[] {
  let t = 0;
  return [...text].map((key, i) => {
    if (i > 0) t += mode === 'constant' ? delayMs : delayMs * (0.5 + rng());
    return { key, down: t, up: t + (mode === 'constant' ? 50 : 30 + 40 * rng()) };
  });
}

// ---------------------------------------------------------------------------------------------
// Pointer model.
//
// An aimed mouse movement, as the motor-control literature describes it:
//  - Duration follows Fitts' law (Shannon form, MacKenzie 1992): MT = a + b·log2(D/W + 1), with
//    D the distance, W the target width; a = 100 ms, b = 200 ms/bit (throughput 5 bit/s, within
//    the 3.7–4.9 bit/s reported for mice in Soukoreff & MacKenzie 2004, a little faster), times a
//    log-normal per-movement factor (σ 0.12).
//  - The path of each submovement is a minimum-jerk trajectory (Flash & Hogan 1985):
//    s(τ) = 10τ³ − 15τ⁴ + 6τ⁵, which gives the bell-shaped, single-peaked speed profile of
//    human reaching, zero speed at both ends. Hand paths are slightly curved: a perpendicular
//    offset of ~N(0, 4 %)·D shaped sin(πτ).
//  - Aimed movements are a ballistic primary submovement that often overshoots (here with
//    probability 0.6 by 3–10 % of D), then a short corrective submovement onto the target
//    (Meyer et al. 1988's optimized submovement model), itself timed by Fitts' law.
//  - Physiological tremor: 8–12 Hz, amplitude ~0.6 px on screen, plus ~0.25 px sensor noise,
//    faded in and out so the endpoint is exact.
//  - Samples come at a mouse's report rate (~8 ms, jittered) and are dispatched at those times.

export interface PointerSample {
  x: number;
  y: number;
  /** ms from the start of the movement */
  t: number;
}

export interface Point {
  x: number;
  y: number;
}

export const FITTS = { a: 100, b: 200 } as const;

/** Fitts' law (Shannon form) movement time in ms for distance D and target width W (px). */
export function fittsMs(distance: number, width: number, a: number = FITTS.a, b: number = FITTS.b): number {
  return a + b * Math.log2(Math.max(0, distance) / Math.max(1, width) + 1);
}

/** Minimum-jerk position fraction at normalised time τ ∈ [0, 1]. */
export function minimumJerk(tau: number): number {
  const t = Math.min(1, Math.max(0, tau));
  return t * t * t * (10 - 15 * t + 6 * t * t);
}

/** One minimum-jerk submovement from `from` to `to` over `durationMs`, sampled every ~sampleMs. */
export function minimumJerkPath(from: Point, to: Point, durationMs: number, opts: { sampleMs?: number; curvature?: number; rng?: Rng; t0?: number } = {}): PointerSample[] {
  const { sampleMs = 8, curvature = 0, rng, t0 = 0 } = opts;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const d = Math.hypot(dx, dy) || 1;
  const nx = -dy / d;
  const ny = dx / d;
  const out: PointerSample[] = [];
  let t = 0;
  for (;;) {
    t += rng ? sampleMs * (0.75 + 0.5 * rng()) : sampleMs;
    if (t >= durationMs) break;
    const tau = t / durationMs;
    const s = minimumJerk(tau);
    const bow = curvature * d * Math.sin(Math.PI * tau);
    out.push({ x: from.x + dx * s + nx * bow, y: from.y + dy * s + ny * bow, t: t0 + t });
  }
  out.push({ x: to.x, y: to.y, t: t0 + durationMs });
  return out;
}

export interface HumanMoveOptions {
  /** target width in px (Fitts' W), e.g. the smaller side of the element */
  targetWidth: number;
  rng: Rng;
  /** probability of an overshoot and corrective submovement (default 0.6) */
  overshootProbability?: number;
  /** tremor amplitude in px (default 0.6) */
  tremorPx?: number;
  sampleMs?: number;
  /** log-normal σ of the per-movement duration factor (default 0.12) */
  durationSigma?: number;
}

/** A human-like aimed movement: see the model description above. Ends exactly on `to`. */
export function humanPointerPath(from: Point, to: Point, opts: HumanMoveOptions): PointerSample[] {
  const { targetWidth, rng, overshootProbability = 0.6, tremorPx = 0.6, sampleMs = 8, durationSigma = 0.12 } = opts;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const d = Math.hypot(dx, dy);
  if (d < 1) return [{ x: to.x, y: to.y, t: 0 }];
  const total = fittsMs(d, targetWidth) * Math.exp(durationSigma * gaussian(rng));
  const curvature = 0.04 * gaussian(rng);
  let path: PointerSample[];
  if (rng() < overshootProbability && d > 3 * targetWidth) {
    const over = d * (0.03 + 0.07 * rng());
    const aim = { x: to.x + (dx / d) * over + gaussian(rng) * 0.01 * d, y: to.y + (dy / d) * over + gaussian(rng) * 0.01 * d };
    const corr = Math.hypot(to.x - aim.x, to.y - aim.y);
    const corrMs = fittsMs(corr, targetWidth) * 0.8;
    const primaryMs = Math.max(total - corrMs * 0.5, total * 0.6);
    const pause = 20 + 40 * rng();
    path = [
      ...minimumJerkPath(from, aim, primaryMs, { sampleMs, curvature, rng }),
      ...minimumJerkPath(aim, to, corrMs, { sampleMs, curvature: 0.02 * gaussian(rng), rng, t0: primaryMs + pause }),
    ];
  } else {
    path = minimumJerkPath(from, to, total, { sampleMs, curvature, rng });
  }
  const end = path[path.length - 1].t;
  const freq = 8 + 4 * rng();
  const phaseX = 2 * Math.PI * rng();
  const phaseY = 2 * Math.PI * rng();
  return path.map((p, i) => {
    if (i === path.length - 1) return p;
    const fade = Math.sin((Math.PI * p.t) / end); // no tremor at the ends: exact start and endpoint
    const w = (2 * Math.PI * freq * p.t) / 1000;
    return {
      t: p.t,
      x: p.x + fade * (tremorPx * Math.sin(w + phaseX) + 0.25 * gaussian(rng)),
      y: p.y + fade * (tremorPx * Math.sin(w + phaseY) + 0.25 * gaussian(rng)),
    };
  });
}

/** A straight line at constant speed, the way a simple script moves the mouse. */
export function straightLinePath(from: Point, to: Point, durationMs: number, steps = 20): PointerSample[] {
  return Array.from({ length: steps }, (_, i) => {
    const f = (i + 1) / steps;
    return { x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f, t: durationMs * f };
  });
}

/** Speeds (px/ms) between consecutive samples, with the time of each segment's midpoint. */
export function speedProfile(path: readonly PointerSample[]): { t: number; v: number }[] {
  return path.slice(1).map((p, i) => {
    const q = path[i];
    const dt = Math.max(1e-6, p.t - q.t);
    return { t: (p.t + q.t) / 2, v: Math.hypot(p.x - q.x, p.y - q.y) / dt };
  });
}

/** Dispatches a path with page.mouse.move at the planned times (late samples are coalesced). */
export async function dispatchPointerPath(page: Page, path: readonly PointerSample[]): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    const next = path[i + 1];
    const now = performance.now() - t0;
    if (next && now > next.t) continue; // behind schedule: skip to the next sample, like coalescing
    if (p.t - now > 1) await sleep(p.t - now);
    await page.mouse.move(p.x, p.y);
  }
}

/** A point inside a box, normally distributed around its centre (people aim at the middle). */
export function aimPoint(box: { x: number; y: number; width: number; height: number }, rng: Rng): Point {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return {
    x: clamp(box.x + box.width / 2 + gaussian(rng) * box.width * 0.12, box.x + 3, box.x + box.width - 3),
    y: clamp(box.y + box.height / 2 + gaussian(rng) * box.height * 0.15, box.y + 2, box.y + box.height - 2),
  };
}
