/** @jest-environment jsdom */
import { PointerSource, TrajectorySampler, halveMoves, relativePosition } from './pointer';

describe('TrajectorySampler', () => {
  it('quantises to integer deltas rounded cumulatively (no drift)', () => {
    const s = new TrajectorySampler();
    s.add(10.4, 20.6, 100.2);
    s.add(10.9, 21.2, 108.7);
    s.add(11.4, 21.7, 116.6);
    expect(s.quantised()).toEqual({ start: { x: 10, y: 21, t: 100 }, moves: [1, 0, 9, 0, 1, 8] });
    expect(new TrajectorySampler().quantised()).toEqual({ start: null, moves: [] });
  });

  it('keeps at most maxPoints, spread over the whole trajectory', () => {
    const s = new TrajectorySampler(2000);
    for (let i = 0; i < 100_000; i++) s.add(i, 0, i);
    const { start, moves } = s.quantised();
    expect(moves.length).toBeLessThanOrEqual(6000);
    expect(moves.length % 3).toBe(0);
    expect(moves.length / 3).toBeGreaterThan(900);
    const lastX = start!.x + moves.filter((_, i) => i % 3 === 0).reduce((a, b) => a + b, 0);
    expect(lastX).toBeGreaterThan(95_000); // reaches the end, not just the first 2,000 events
    expect(moves.every(Number.isInteger)).toBe(true);
  });

  it('halveMoves keeps the end point and total time', () => {
    const m = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const h = halveMoves(m);
    expect(h).toEqual([5, 7, 9, 7, 8, 9]);
    const sum = (a: number[], k: number) => a.filter((_, i) => i % 3 === k).reduce((x, y) => x + y, 0);
    for (const k of [0, 1, 2]) expect(sum(h, k)).toBe(sum(m, k));
  });
});

describe('relativePosition', () => {
  it('is in 0..1 with 3 decimals, 0.5 for empty boxes', () => {
    const box = { left: 100, top: 50, width: 200, height: 40 };
    expect(relativePosition(150, 60, box)).toEqual({ rx: 0.25, ry: 0.25 });
    expect(relativePosition(0, 1000, box)).toEqual({ rx: 0, ry: 1 });
    expect(relativePosition(133.3333, 50, box)).toEqual({ rx: 0.167, ry: 0 });
    expect(relativePosition(5, 5, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ rx: 0.5, ry: 0.5 });
  });
});

describe('PointerSource', () => {
  // jsdom has no PointerEvent: the source falls back to mouse/touch events there
  it('records moves, clicks with target roles, touches and viewport', () => {
    document.body.innerHTML = '<button id="b">Sign in</button>';
    const btn = document.getElementById('b')!;
    btn.getBoundingClientRect = () => ({
      left: 10,
      top: 10,
      width: 100,
      height: 20,
      right: 110,
      bottom: 30,
      x: 10,
      y: 10,
      toJSON() {},
    });
    const src = new PointerSource((el) => (el && el.id === 'b' ? 'submit' : 'other'));
    src.start(window);
    expect(src.snapshot().type).toBe('none');
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 5, clientY: 5 }));
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 8, clientY: 9 }));
    btn.dispatchEvent(new MouseEvent('mousedown', { clientX: 60, clientY: 15, bubbles: true }));
    const p = src.snapshot(window);
    expect(p.type).toBe('mouse');
    expect(p.eventCount).toBe(2);
    expect(p.start).toMatchObject({ x: 5, y: 5 });
    expect(p.moves.slice(0, 2)).toEqual([3, 4]);
    expect(p.clicks).toEqual([
      { t: expect.any(Number), rx: 0.5, ry: 0.25, target: 'submit', pointerType: 'mouse', isTrusted: false },
    ]);
    expect(p.viewport).toEqual({ w: window.innerWidth, h: window.innerHeight });
    src.reset();
    expect(src.snapshot().moves).toEqual([]);
    src.stop();
  });

  it('caps clicks', () => {
    const src = new PointerSource(() => 'other');
    src.start(window);
    for (let i = 0; i < 100; i++) document.body.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    expect(src.snapshot().clicks).toHaveLength(64);
    src.stop();
  });
});
