// Pointer / touch trajectory sampling and tap positions, shared by the browser SDK and
// @kizuki/react-native so the engine reads both the same way. DOM-free (see key-class.ts).
import { SIGNAL_LIMITS } from '@kizuki/contract';
import { clamp01 } from './round';

const MAX_POINTS = SIGNAL_LIMITS.pointerMoveValues / 3;

/**
 * Decimating sampler: keeps every `stride`-th event; when the buffer is full it drops every other
 * point and doubles the stride, so the kept points always span the whole trajectory evenly.
 */
export class TrajectorySampler {
  /** flat [x, y, t, x, y, t, ...] absolute points */
  pts: number[] = [];
  private stride = 1;
  private seen = 0;

  constructor(private readonly maxPoints: number = MAX_POINTS) {}

  add(x: number, y: number, t: number): void {
    if (this.seen++ % this.stride) return;
    this.pts.push(x, y, t);
    if (this.pts.length / 3 >= this.maxPoints) {
      const kept: number[] = [];
      for (let i = 0; i < this.pts.length; i += 6) kept.push(this.pts[i], this.pts[i + 1], this.pts[i + 2]);
      this.pts = kept;
      this.stride *= 2;
    }
  }

  /** Integer start point and integer [dx, dy, dt] deltas (rounded cumulatively: no drift). */
  quantised(): { start: { x: number; y: number; t: number } | null; moves: number[] } {
    const p = this.pts;
    if (!p.length) return { start: null, moves: [] };
    const R = Math.round;
    const moves: number[] = [];
    for (let i = 3; i < p.length && moves.length + 3 <= SIGNAL_LIMITS.pointerMoveValues; i += 3) {
      moves.push(R(p[i]) - R(p[i - 3]), R(p[i + 1]) - R(p[i - 2]), R(p[i + 2]) - R(p[i - 1]));
    }
    return { start: { x: R(p[0]), y: R(p[1]), t: R(p[2]) }, moves };
  }
}

/** Merge consecutive [dx,dy,dt] triples pairwise: half the values, same end point and duration. */
export function halveMoves(moves: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < moves.length; i += 6) {
    const j = i + 3 < moves.length ? 3 : 0;
    out.push(moves[i] + (j && moves[i + 3]), moves[i + 1] + (j && moves[i + 4]), moves[i + 2] + (j && moves[i + 5]));
  }
  return out;
}

/** Position of a point inside a box, each axis in 0..1, 3 decimals. */
export function relativePosition(
  x: number,
  y: number,
  box: { left: number; top: number; width: number; height: number },
) {
  const rel = (v: number, start: number, size: number) =>
    size > 0 ? Math.round(clamp01((v - start) / size) * 1000) / 1000 : 0.5;
  return { rx: rel(x, box.left, box.width), ry: rel(y, box.top, box.height) };
}
