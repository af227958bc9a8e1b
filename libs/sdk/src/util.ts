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

export function clampStr(s: string, max: number = LIMITS.stringLength): string {
  return s.length > max ? s.slice(0, max) : s;
}

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
