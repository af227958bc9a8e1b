// Number helpers of the signal payload, shared by the browser SDK and @kizuki/react-native (DOM-free).

/** Round to 0.1 ms: browsers clamp timers to ~0.1 ms anyway, and it keeps the payload short. */
export function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

export const clamp01 = (n: number): number => (n < 0 ? 0 : n > 1 ? 1 : Number.isFinite(n) ? n : 0);
