import { TYPING_INCOMPARABLE } from './typing-model';
import { typingRisk, typingThreshold } from './typing-risk';

describe('typingRisk', () => {
  it('is 0.5 at the calibrated threshold and increases with the anomaly', () => {
    expect(typingRisk(typingThreshold(20), 20)).toBeCloseTo(0.5, 6);
    const xs = [0, 1, 1.5, 2, 2.5, 3, 4, 10].map((a) => typingRisk(a));
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]);
    expect(typingRisk(1.2)).toBeLessThan(0.1); // a typical genuine login
    expect(typingRisk(3.3)).toBeGreaterThan(0.9); // a typical impostor
  });

  it('is more lenient for a profile fitted on few samples', () => {
    expect(typingThreshold(5)).toBeGreaterThan(typingThreshold(50));
    expect(typingRisk(2.6, 5)).toBeLessThan(typingRisk(2.6, 50));
  });

  it('stays within 0..1 for any input', () => {
    for (const a of [NaN, -Infinity, Infinity, -5, TYPING_INCOMPARABLE, 1e308]) {
      const r = typingRisk(a, NaN);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
    }
    expect(typingRisk(TYPING_INCOMPARABLE)).toBe(1);
  });
});
