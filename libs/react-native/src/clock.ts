// One timeline for every signal of a login screen: key presses, text changes, touches and the
// screen's start are all read from the same clock, so their differences are durations.

/** ms on a monotonic timeline when the runtime has one (Hermes and JSC give performance.now). */
export type Clock = () => number;

/** Read from globalThis: React Native's types, unlike the DOM's, do not declare `performance`. */
const runtime = globalThis as { performance?: { now?: () => number } };

export const systemClock: Clock = () => {
  const p = runtime.performance;
  return p && typeof p.now === 'function' ? p.now() : Date.now();
};
