import {
  TYPING_INCOMPARABLE,
  fitTypingProfile,
  typingAnomaly,
  typingComparable,
  typingFeatureSeen,
  typingFeatures,
  type KeyTiming,
} from './typing-model';
import { makeTypist, mean, typeSamples } from './synthetic-typist';

describe('typing detector', () => {
  const alice = makeTypist(1);
  const bob = makeTypist(2);
  const profile = fitTypingProfile(typeSamples(alice, 20, 10));

  it('scores the same typist lower than another typist', () => {
    const own = typeSamples(alice, 30, 11).map((s) => typingAnomaly(profile, s));
    const other = typeSamples(bob, 30, 12).map((s) => typingAnomaly(profile, s));
    expect(mean(own)).toBeLessThan(mean(other));
    // nearly every genuine sample below nearly every impostor sample
    const sortedOther = [...other].sort((a, b) => a - b);
    expect(own.filter((a) => a < sortedOther[3]).length).toBeGreaterThanOrEqual(27);
  });

  it('scores a faithful copy of the profile near zero and is deterministic', () => {
    const samples = typeSamples(alice, 10, 13);
    const p = fitTypingProfile(samples);
    expect(typingAnomaly(p, samples[0])).toBeLessThan(typingAnomaly(p, typeSamples(bob, 1, 14)[0]));
    expect(typingAnomaly(p, samples[3])).toBe(typingAnomaly(p, samples[3]));
  });

  it('produces a JSON-serialisable profile that scores the same after a round trip', () => {
    const copy = JSON.parse(JSON.stringify(profile));
    const s = typeSamples(alice, 1, 15)[0];
    expect(typingAnomaly(copy, s)).toBeCloseTo(typingAnomaly(profile, s), 10);
  });

  it('uses holds and flights (2n-1 features), finite even for overlapping keys and zero holds', () => {
    const keys: KeyTiming[] = [
      { down: 0, up: 0 },
      { down: 50, up: 300 },
      { down: 100, up: 120 }, // pressed before the previous key was released
    ];
    const f = typingFeatures(keys);
    expect(f).toHaveLength(5);
    expect(f.every(Number.isFinite)).toBe(true);
  });

  describe('a key-up the SDK did not see (sent as equal to the key-down: the Enter that submits the form)', () => {
    const noEnterUp = (x: KeyTiming[]) => x.map((k, i) => (i === x.length - 1 ? { down: k.down, up: k.down } : k));
    const gap = (p: ReturnType<typeof fitTypingProfile>, xs: KeyTiming[][]) =>
      mean(xs.map((x) => Math.abs(typingAnomaly(p, noEnterUp(x)) - typingAnomaly(p, x))));

    it('is a hold not compared, on either side; flights always are', () => {
      expect(typingFeatureSeen(0, 0, Math.log(80))).toBe(false);
      expect(typingFeatureSeen(0, Math.log(80), 0)).toBe(false);
      expect(typingFeatureSeen(0, Math.log(80), Math.log(90))).toBe(true);
      expect(typingFeatureSeen(1, 0, 0)).toBe(true);
    });

    it('scores a login without it like the same login with it, against a profile that saw it', () => {
      // read as a zero hold, it was the furthest Enter hold there is: +0.3-0.4 on every such login
      expect(gap(profile, typeSamples(alice, 10, 15))).toBeLessThan(0.15);
    });

    it('scores a login with it like one without, against a profile fitted on logins without it', () => {
      // profiles stored from Enter-submitted logins hold zero Enter holds: they keep working
      const stored = fitTypingProfile(typeSamples(alice, 20, 10).map(noEnterUp));
      expect(gap(stored, typeSamples(alice, 10, 16))).toBeLessThan(0.15);
      expect(typingAnomaly(stored, typeSamples(bob, 1, 17)[0])).toBeGreaterThan(
        mean(typeSamples(alice, 10, 16).map((x) => typingAnomaly(stored, x))),
      );
    });
  });

  it('aligns a sample with one extra or one missing key instead of giving up', () => {
    const s = typeSamples(alice, 1, 16)[0];
    const missing = s.filter((_, i) => i !== 5);
    const extra = [
      ...s.slice(0, 4),
      { down: s[3].up + 5, up: s[3].up + 80 },
      ...s.slice(4).map((k) => ({ down: k.down + 120, up: k.up + 120 })),
    ];
    for (const x of [missing, extra]) {
      const a = typingAnomaly(profile, x);
      expect(Number.isFinite(a)).toBe(true);
      expect(a).toBeLessThan(TYPING_INCOMPARABLE);
      expect(a).toBeGreaterThan(typingAnomaly(profile, s)); // a gap costs something
    }
    // still closer than another typist with the same flaw
    const b = typeSamples(bob, 1, 17)[0].filter((_, i) => i !== 5);
    expect(typingAnomaly(profile, missing)).toBeLessThan(typingAnomaly(profile, b));
  });

  it('returns the finite TYPING_INCOMPARABLE for empty or far too different samples and profiles', () => {
    expect(typingAnomaly(profile, [])).toBe(TYPING_INCOMPARABLE);
    expect(typingAnomaly(profile, typeSamples(makeTypist(3, 30), 1, 18)[0])).toBe(TYPING_INCOMPARABLE);
    const empty = fitTypingProfile([]);
    expect(empty.length).toBe(0);
    expect(typingAnomaly(empty, typeSamples(alice, 1, 19)[0])).toBe(TYPING_INCOMPARABLE);
    expect(typingComparable(empty, 11)).toBe(false);
    expect(typingAnomaly({ ...profile, center: [1, 2] }, typeSamples(alice, 1, 19)[0])).toBe(TYPING_INCOMPARABLE);
  });

  it('fits mixed-length samples on the modal length and stays finite with one sample', () => {
    const samples = [...typeSamples(alice, 6, 20), ...typeSamples(makeTypist(4, 8), 2, 21), [], [{ down: 0, up: 10 }]];
    const p = fitTypingProfile(samples);
    expect(p.length).toBe(11);
    expect(p.samples).toBe(6);
    const one = fitTypingProfile(typeSamples(alice, 1, 22));
    const a = typingAnomaly(one, typeSamples(alice, 1, 23)[0]);
    expect(Number.isFinite(a)).toBe(true);
    expect(one.scale.every((s) => s > 0)).toBe(true);
  });

  it('never returns NaN or Infinity on garbage timings', () => {
    const junk: KeyTiming[][] = [
      Array.from({ length: 11 }, () => ({ down: NaN, up: NaN })),
      Array.from({ length: 11 }, (_, i) => ({ down: i * 1e12, up: -1e12 })),
      Array.from({ length: 11 }, () => ({ down: Infinity, up: -Infinity })),
      Array.from({ length: 11 }, () => ({ down: 0, up: 0 })),
    ];
    for (const s of junk) {
      const a = typingAnomaly(profile, s);
      expect(Number.isFinite(a)).toBe(true);
      const p = fitTypingProfile([s, s, s]);
      expect(Number.isFinite(typingAnomaly(p, typeSamples(alice, 1, 24)[0]))).toBe(true);
    }
  });
});
