import { clamp01, r1 } from './round';

describe('round', () => {
  it('r1 rounds to 0.1', () => {
    expect(r1(12.34)).toBe(12.3);
    expect(r1(12.35)).toBe(12.4);
    expect(r1(-0.06)).toBe(-0.1);
  });

  it('clamp01 keeps 0..1 and maps non-finite values to the nearest end or 0', () => {
    expect([-2, 0, 0.4, 1, 3].map(clamp01)).toEqual([0, 0, 0.4, 1, 1]);
    expect(clamp01(NaN)).toBe(0);
    expect(clamp01(Infinity)).toBe(1);
  });
});
