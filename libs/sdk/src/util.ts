// Small helpers shared by the signal sources. Nothing here runs at import time.
import { SIGNAL_LIMITS } from '@kizuki/contract';

export const LIMITS = SIGNAL_LIMITS;

/** ms since navigation start (performance.now() timeline). */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * The event's own timestamp when it is on the performance.now() timeline (every modern browser),
 * so handler latency does not distort timings; performance.now() otherwise (old engines, jsdom).
 */
export function eventTime(e: Event): number {
  const t = now();
  const ts = e.timeStamp;
  return typeof ts === 'number' && ts > 0 && ts <= t + 1 && ts > t - 60_000 ? ts : t;
}

/** Round to 0.1 ms: browsers clamp timers to ~0.1 ms anyway, and it keeps the payload short. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function clampStr(s: string, max: number = LIMITS.stringLength): string {
  return s.length > max ? s.slice(0, max) : s;
}

export const clamp01 = (n: number): number => (n < 0 ? 0 : n > 1 ? 1 : Number.isFinite(n) ? n : 0);

/** Subscribe and return the unsubscribe function. */
export function on<E extends Event = Event>(
  target: EventTarget,
  type: string,
  fn: (e: E) => void,
  capture = true,
): () => void {
  const opts: AddEventListenerOptions = { capture, passive: true };
  // the caller names the event type that `type` fires
  const listener = fn as EventListener;
  target.addEventListener(type, listener, opts);
  return () => target.removeEventListener(type, listener, opts);
}
