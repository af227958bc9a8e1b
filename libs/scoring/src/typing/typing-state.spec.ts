import { TYPING_INCOMPARABLE, fitTypingProfile, typingAnomaly } from './typing-model';
import {
  ENROL_SAMPLES,
  enrolTypingSample,
  learnTypingProfile,
  parseTypingAccountProfile,
  parseTypingState,
  typingState,
  typingStateAnomaly,
  updateTypingProfile,
  type TypingProfileState,
} from './typing-state';
import { makeTypist, mean, shifted, typeSamples } from './synthetic-typist';
import type { FieldTyping } from '@kizuki/contract';

function enrolled(samples: ReturnType<typeof typeSamples>): TypingProfileState {
  let s: TypingProfileState | null = null;
  for (const x of samples) s = enrolTypingSample(s, x);
  return s!;
}

describe('typing enrolment and learning', () => {
  const alice = makeTypist(1);
  const mallory = makeTypist(7);

  it('is enrolling until ENROL_SAMPLES trusted samples, then active', () => {
    let s: TypingProfileState | null = null;
    const samples = typeSamples(alice, ENROL_SAMPLES, 30);
    for (let i = 0; i < ENROL_SAMPLES; i++) {
      expect(typingState(s)).toBe('enrolling');
      expect(typingStateAnomaly(s, samples[0])).toBe(TYPING_INCOMPARABLE);
      s = enrolTypingSample(s, samples[i]);
    }
    expect(typingState(s)).toBe('active');
    expect(s!.count).toBe(ENROL_SAMPLES);
    expect(s!.enrolment).toEqual([]);
    expect(Number.isFinite(typingStateAnomaly(s, samples[0]))).toBe(true);
  });

  it('ignores empty samples and does not mutate its input', () => {
    const s = enrolled(typeSamples(alice, 3, 31));
    const before = JSON.stringify(s);
    expect(enrolTypingSample(s, [])).toEqual(s);
    enrolTypingSample(s, typeSamples(alice, 1, 32)[0]);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('learns on an active state without touching it: the result shares no array with its input', () => {
    const s = enrolled(typeSamples(alice, 8, 36));
    expect(typingState(s)).toBe('active');
    const before = JSON.stringify(s);
    const next = enrolTypingSample(s, typeSamples(alice, 1, 37)[0]);
    expect(JSON.stringify(s)).toBe(before);
    expect(next.count).toBe(s.count + 1);
    expect(next.adapted!.center).not.toBe(s.adapted!.center);
    expect(next.baseline!.center).not.toBe(s.baseline!.center);
    expect(next.calibration).not.toBe(s.calibration);
    next.baseline!.center[0] += 1;
    next.adapted!.refs.push([]);
    next.calibration!.push(0);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('issue 4: an attacker let in once barely moves the profile; ten genuine logins after a new keyboard adapt', () => {
    const state = enrolled(typeSamples(alice, 10, 33));
    expect(typingState(state)).toBe('active');
    const genuine = typeSamples(alice, 40, 34);
    const before = genuine.map((g) => typingStateAnomaly(state, g));

    // one attacker login is (wrongly) trusted
    const attacker = typeSamples(mallory, 21, 35);
    const poisoned = enrolTypingSample(state, attacker[0]);
    const after = genuine.map((g) => typingStateAnomaly(poisoned, g));
    const drift = Math.max(...after.map((a, i) => Math.abs(a - before[i])));
    expect(drift).toBeLessThan(0.15 * mean(before)); // small, bounded
    // and the attacker's next attempts are still about as anomalous as before
    const attackerBefore = mean(attacker.slice(1).map((x) => typingStateAnomaly(state, x)));
    const attackerAfter = mean(attacker.slice(1).map((x) => typingStateAnomaly(poisoned, x)));
    expect(attackerAfter).toBeGreaterThan(0.85 * attackerBefore);
    expect(attackerAfter).toBeGreaterThan(mean(before) * 1.5);
    // the centre moved by at most maxStep spreads per feature
    const a = state.adapted!;
    const b = poisoned.adapted!;
    a.center.forEach((c, j) => expect(Math.abs(b.center[j] - c)).toBeLessThanOrEqual(0.3 * a.scale[j] + 1e-4));

    // a new keyboard: holds 40 % longer, flights 25 % shorter; ten trusted logins
    const newKeyboard = shifted(alice, 1.4, 0.75);
    const probe = typeSamples(newKeyboard, 20, 36);
    const probeBefore = mean(probe.map((x) => typingStateAnomaly(state, x)));
    let s = state;
    for (const x of typeSamples(newKeyboard, 10, 37)) s = enrolTypingSample(s, x);
    const probeAfter = mean(probe.map((x) => typingStateAnomaly(s, x)));
    expect(probeAfter).toBeLessThan(0.6 * probeBefore);
    // the old rhythm is still recognised (frozen baseline)
    expect(mean(genuine.map((g) => typingStateAnomaly(s, g)))).toBeLessThan(mean(before) * 1.1);
  });

  it('updateTypingProfile learns nothing from a hold the SDK did not see (key-up equal to the key-down)', () => {
    const profile = fitTypingProfile(typeSamples(alice, 10, 40));
    const [x] = typeSamples(alice, 1, 41);
    const last = 2 * (x.length - 1);
    const next = updateTypingProfile(profile, [
      ...x.slice(0, -1),
      { down: x[x.length - 1].down, up: x[x.length - 1].down },
    ]);
    expect(next.center[last]).toBe(profile.center[last]);
    expect(next.scale[last]).toBe(profile.scale[last]);
    // the rest of the login is learned as usual
    expect(next.center.some((c, j) => j !== last && c !== profile.center[j])).toBe(true);
  });

  it('updateTypingProfile ignores samples of another length', () => {
    const p = fitTypingProfile(typeSamples(alice, 10, 38));
    const q = updateTypingProfile(p, typeSamples(makeTypist(9, 8), 1, 39)[0]);
    expect(q).toEqual(p);
    expect(q).not.toBe(p);
  });

  it('a long run of attacker logins is held within the tether of the baseline', () => {
    let s = enrolled(typeSamples(alice, 10, 40));
    for (const x of typeSamples(mallory, 200, 41)) s = enrolTypingSample(s, x);
    const base = s.baseline!;
    s.adapted!.center.forEach((c, j) =>
      expect(Math.abs(c - base.center[j])).toBeLessThanOrEqual(6 * base.scale[j] + 1e-4),
    );
    expect(typingAnomaly(s.baseline!, typeSamples(mallory, 1, 42)[0])).toBeGreaterThan(
      typingAnomaly(s.baseline!, typeSamples(alice, 1, 43)[0]),
    );
  });

  it('parses stored JSON defensively', () => {
    const s = enrolled(typeSamples(alice, 6, 44));
    expect(parseTypingState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    for (const junk of [
      null,
      1,
      'x',
      [],
      {},
      { kind: 'kizuki.typing', v: 1, baseline: { v: 2, length: 3, center: [1], scale: [1] } },
    ]) {
      const p = parseTypingState(junk);
      expect(p === null || typingState(p) === 'enrolling').toBe(true);
    }
    expect(parseTypingAccountProfile(s).password).toEqual(s);
    expect(parseTypingAccountProfile({ kind: 'kizuki.typing.account', v: 1, username: s }).username).toEqual(s);
    expect(parseTypingAccountProfile('garbage')).toEqual({ kind: 'kizuki.typing.account', v: 1 });
  });

  it('learnTypingProfile enrols typed fields only', () => {
    const field = (role: FieldTyping['role'], extra: Partial<FieldTyping> = {}): FieldTyping => ({
      role,
      keys: [
        { d: 0, u: 80, c: 'char' },
        { d: 200, u: 290, c: 'char' },
        { d: 400, u: 470, c: 'enter' },
      ],
      pasted: false,
      autofilled: false,
      imeFallback: false,
      inputEvents: 2,
      startMs: 100,
      ...extra,
    });
    let p = learnTypingProfile(null, [field('password'), field('username', { autofilled: true })]);
    expect(p.password!.count).toBe(1);
    expect(p.username).toBeUndefined();
    p = learnTypingProfile(JSON.parse(JSON.stringify(p)), [field('password', { pasted: true })]);
    expect(p.password!.count).toBe(1);
  });
});
