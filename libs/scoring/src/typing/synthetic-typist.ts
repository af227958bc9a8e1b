// Deterministic synthetic typists for the typing specs (not exported from the library index).
import type { KeyTiming } from './typing-model';

/** mulberry32: a small seeded PRNG, so specs are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r: () => number): number {
  const u = Math.max(1e-12, r());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export interface Typist {
  holds: number[];
  flights: number[];
  noise: number;
}

/** A typist with their own per-key hold (60-160 ms) and flight (20-400 ms) habits. */
export function makeTypist(seed: number, keys = 11, noise = 0.12): Typist {
  const r = rng(seed);
  return {
    holds: Array.from({ length: keys }, () => 60 + 100 * r()),
    flights: Array.from({ length: keys - 1 }, () => 20 + 380 * r()),
    noise,
  };
}

/** Same typist, every timing scaled (e.g. a new keyboard: holds 1.4×, flights 0.7×). */
export function shifted(t: Typist, holdFactor: number, flightFactor: number): Typist {
  return { ...t, holds: t.holds.map((h) => h * holdFactor), flights: t.flights.map((f) => f * flightFactor) };
}

/** One typed sample of a typist (log-normal noise on each timing). */
export function typeSample(t: Typist, r: () => number): KeyTiming[] {
  const out: KeyTiming[] = [];
  let down = 0;
  for (let i = 0; i < t.holds.length; i++) {
    const hold = t.holds[i] * Math.exp(t.noise * gauss(r));
    out.push({ down, up: down + hold });
    if (i < t.flights.length) down += hold + t.flights[i] * Math.exp(t.noise * gauss(r));
  }
  return out;
}

export function typeSamples(t: Typist, n: number, seed: number): KeyTiming[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => typeSample(t, r));
}

export const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
