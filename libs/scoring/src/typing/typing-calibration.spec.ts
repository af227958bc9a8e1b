import {
  CALIBRATION_MAX,
  addCalibrationValue,
  calibrationValue,
  normalQuantile,
  normalTail,
  studentTail,
  typingCalibration,
  typingTail,
} from './typing-calibration';
import { typingThreshold } from './typing-risk';
import { TYPING_INCOMPARABLE } from './typing-model';
import { enrolTypingSample, parseTypingState, typingStateAnomaly, type TypingProfileState } from './typing-state';
import { makeTypist, typeSamples } from './synthetic-typist';

describe('typing calibration maths', () => {
  it("gives Student's t and normal tails of reference tables", () => {
    expect(studentTail(2, 10)).toBeCloseTo(0.03669, 4);
    expect(studentTail(-2, 10)).toBeCloseTo(1 - 0.03669, 4);
    expect(studentTail(0, 5)).toBeCloseTo(0.5, 6);
    expect(studentTail(2.764, 10)).toBeCloseTo(0.01, 3);
    expect(normalTail(1.6449)).toBeCloseTo(0.05, 4);
    expect(normalTail(-1.6449)).toBeCloseTo(0.95, 4);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263, 4);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.0902, 4);
  });

  it('is lenient with few values and tightens as trusted logins accrue', () => {
    const few = typingCalibration([0.1, 0.2, 0.15], 10);
    const many = typingCalibration(
      Array.from({ length: 40 }, (_, i) => 0.1 + 0.1 * ((i % 3) - 1) * 0.5),
      10,
    );
    expect(few.dof).toBeLessThan(many.dof);
    const anomaly = Math.exp(0.9);
    expect(typingTail(few, anomaly)).toBeGreaterThan(typingTail(many, anomaly));
    expect(typingTail(many, TYPING_INCOMPARABLE)).toBe(0);
    expect(typingTail(many, Number.NaN)).toBe(0);
  });
});

describe('typing calibration: bounded learning', () => {
  const alice = makeTypist(1);
  const mallory = makeTypist(7);

  it('keeps leave-one-out values from enrolment and one per trusted login, at most CALIBRATION_MAX', () => {
    let s: TypingProfileState | null = null;
    const samples = typeSamples(alice, 60, 5);
    for (const x of samples.slice(0, 5)) s = enrolTypingSample(s, x);
    expect(s!.calibration).toHaveLength(5);
    const before = s!;
    s = enrolTypingSample(s, samples[5]);
    // the new value is the login's anomaly against the profile before it was learned
    expect(s.calibration!.at(-1)).toBeCloseTo(Math.log(typingStateAnomaly(before, samples[5])), 3);
    for (const x of samples.slice(6)) s = enrolTypingSample(s, x);
    expect(s.calibration).toHaveLength(CALIBRATION_MAX);
    expect(parseTypingState(JSON.parse(JSON.stringify(s)))!.calibration).toEqual(s.calibration);
  });

  it("caps what an intruder's trusted logins can teach: values and centre stay at the population's cut", () => {
    expect(calibrationValue(50, 10)).toBeCloseTo(Math.log(typingThreshold(10)), 6);
    expect(calibrationValue(TYPING_INCOMPARABLE, 10)).toBeNull();
    expect(calibrationValue(Number.NaN, 10)).toBeNull();
    let s: TypingProfileState | null = null;
    for (const x of typeSamples(alice, 10, 5)) s = enrolTypingSample(s, x);
    // 40 of mallory's logins get trusted (e.g. passed challenges on a stolen phone)
    for (const x of typeSamples(mallory, 40, 6)) s = enrolTypingSample(s, x);
    const c = typingCalibration(s!.calibration, 50);
    expect(c.mu).toBeLessThanOrEqual(Math.log(typingThreshold(50)) + 1e-9);
    // a clearly foreign rhythm is still unusual for the account
    expect(typingTail(c, 3 * typingThreshold(50))).toBeLessThan(0.01);
  });

  it('drops malformed stored values', () => {
    let s: TypingProfileState | null = null;
    for (const x of typeSamples(alice, 5, 5)) s = enrolTypingSample(s, x);
    const stored = { ...JSON.parse(JSON.stringify(s)), calibration: [0.1, 'x', null, 0.2] };
    expect(parseTypingState(stored)!.calibration).toEqual([0.1, 0.2]);
    expect(addCalibrationValue(undefined, null)).toEqual([]);
  });
});
