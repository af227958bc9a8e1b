// Pointer and touch signal source: a sampled, quantised trajectory of the whole page, the clicks
// with their position inside the clicked element, touch count and viewport.
import type { PointerClick, PointerSignals } from '@kizuki/contract';
import { LIMITS, clamp01, eventTime, on } from './util';

type PType = 'mouse' | 'touch' | 'pen';
const MAX_POINTS = LIMITS.pointerMoveValues / 3;

function ptype(t: string | undefined): PType {
  return t === 'touch' || t === 'pen' ? t : 'mouse';
}

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
    for (let i = 3; i < p.length && moves.length + 3 <= LIMITS.pointerMoveValues; i += 3) {
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

export class PointerSource {
  private sampler = new TrajectorySampler();
  private eventCount = 0;
  private clicks: PointerClick[] = [];
  private touches = 0;
  private types: Record<PType, number> = { mouse: 0, touch: 0, pen: 0 };
  private off: Array<() => void> = [];

  constructor(private readonly roleOf: (el: Element | null) => string) {}

  start(win: Window = window): void {
    if (this.off.length) return;
    const doc = win.document;
    if ('PointerEvent' in win) {
      this.off.push(
        on(doc, 'pointermove', (e: PointerEvent) => this.move(e, ptype(e.pointerType))),
        on(doc, 'pointerdown', (e: PointerEvent) => this.down(e, ptype(e.pointerType))),
      );
    } else {
      this.off.push(
        on(doc, 'mousemove', (e: MouseEvent) => this.move(e, 'mouse')),
        on(doc, 'mousedown', (e: MouseEvent) => this.down(e, 'mouse')),
        on(doc, 'touchstart', (e: TouchEvent) => {
          const p = e.touches[0];
          if (p) this.press(p.clientX, p.clientY, eventTime(e), e.target, e.isTrusted, 'touch');
        }),
      );
    }
  }

  stop(): void {
    this.off.forEach((f) => f());
    this.off = [];
  }

  private move(e: MouseEvent, type: PType): void {
    this.eventCount++;
    this.types[type]++;
    this.sampler.add(e.clientX, e.clientY, eventTime(e));
  }

  private down(e: MouseEvent, type: PType): void {
    this.press(e.clientX, e.clientY, eventTime(e), e.target, e.isTrusted, type);
  }

  private press(x: number, y: number, t: number, el: EventTarget | null, isTrusted: boolean, type: PType): void {
    if (type === 'touch') this.touches++;
    this.types[type]++;
    if (this.clicks.length >= LIMITS.clicks) return;
    const target = el && (el as Element).nodeType === 1 ? (el as Element) : null;
    const box = target ? target.getBoundingClientRect() : { left: 0, top: 0, width: 0, height: 0 };
    this.clicks.push({
      t: Math.round(t),
      ...relativePosition(x, y, box),
      target: this.roleOf(target),
      pointerType: type,
      isTrusted,
    });
  }

  snapshot(win: Window = window): PointerSignals {
    const { start, moves } = this.sampler.quantised();
    const t = this.types;
    const total = t.mouse + t.touch + t.pen;
    const type: PointerSignals['type'] = !total
      ? 'none'
      : t.touch >= t.mouse && t.touch >= t.pen
        ? 'touch'
        : t.pen > t.mouse
          ? 'pen'
          : 'mouse';
    return {
      type,
      start,
      moves,
      eventCount: this.eventCount,
      clicks: this.clicks.slice(),
      touches: this.touches,
      viewport: { w: win.innerWidth || 0, h: win.innerHeight || 0 },
    };
  }

  reset(): void {
    this.sampler = new TrajectorySampler();
    this.eventCount = 0;
    this.clicks = [];
    this.touches = 0;
    this.types = { mouse: 0, touch: 0, pen: 0 };
  }
}
