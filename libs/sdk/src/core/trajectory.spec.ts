// Runs in node, without a DOM: the sampler is shared with @kizuki/react-native.
import { TrajectorySampler, halveMoves, relativePosition } from './trajectory';

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
