// One timeline for every signal of a login screen: key presses, text changes, touches and the
// screen's start are all read from the same clock, so their differences are durations.

/** ms on a monotonic timeline when the runtime has one (Hermes and JSC give performance.now). */
export type Clock = () => number;

export const systemClock: Clock = () =>
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance.now() : Date.now();

/** Round to 0.1 ms, like the browser SDK: it keeps the payload short and hides nothing real. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}
