// Pointer and touch signal source: a sampled, quantised trajectory of the whole page, the clicks
// with their position inside the clicked element, touch count and viewport.
import type { PointerClick, PointerSignals } from '@kizuki/contract';
import { TrajectorySampler, relativePosition } from './core/trajectory';
import { LIMITS, eventTime, on } from './util';

type PType = 'mouse' | 'touch' | 'pen';

function ptype(t: string | undefined): PType {
  return t === 'touch' || t === 'pen' ? t : 'mouse';
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
