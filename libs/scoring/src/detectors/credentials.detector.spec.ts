import { reasonDetailText } from '@kizuki/contract';
import type { SignalBundle } from '@kizuki/contract';
import { assess } from '../engine/engine';
import * as S from '../testing/scenario';
import { credentialsDetector, passwordEntry } from './credentials.detector';

const NOW = Date.UTC(2026, 5, 1);
const owner = S.makePerson(1);
const account = S.learnedAccount(owner, 10, ['home'], NOW);

/** The owner's password field, filled by a password manager (no keys). */
function filled(bundle: SignalBundle): SignalBundle {
  return {
    ...bundle,
    typing: {
      fields: bundle.typing.fields.map((f) =>
        f.role === 'password' ? { ...f, keys: [], autofilled: true, inputEvents: 1, startMs: -1 } : f,
      ),
    },
  };
}

describe('BREACHED_PASSWORD', () => {
  const breached = { breached: true, breachCount: 3_861_493 };

  it('says nothing when the password is not breached or the check was not sent', () => {
    const input = S.scoringInput({ account, bundle: S.humanBundle(owner, 'home', 1), device: S.knownDevice('home') });
    expect(credentialsDetector.run(input).evidence).toEqual([]);
    expect(credentialsDetector.run({ ...input, credentials: { breached: false, breachCount: 0 } }).evidence).toEqual(
      [],
    );
  });

  it('weighs a breached password typed on a new device above one a password manager filled on a known one', () => {
    const typedNew = S.scoringInput({
      account,
      bundle: S.humanBundle(S.makePerson(7), 'attacker', 2),
      device: S.newDevice('attacker'),
      credentials: breached,
    });
    const filledKnown = S.scoringInput({
      account,
      bundle: filled(S.humanBundle(owner, 'home', 3)),
      device: S.knownDevice('home'),
      credentials: breached,
    });
    const [a] = credentialsDetector.run(typedNew).evidence;
    const [b] = credentialsDetector.run(filledKnown).evidence;
    expect(a).toMatchObject({ code: 'BREACHED_PASSWORD', category: 'takeover' });
    expect(reasonDetailText(a.detail)).toBe(
      'The password appears 3,861,493 times in known data breaches; typed on a device new to this account.',
    );
    expect(reasonDetailText(b.detail)).toContain('filled or pasted on a trusted device');
    expect(a.risk).toBeGreaterThan(3 * b.risk);
    // whole scores: the attacker's login is challenged, the owner's stays allowed
    const attack = assess(typedNew);
    const own = assess(filledKnown);
    expect(attack.score).toBeGreaterThan(own.score);
    expect(attack.decision).not.toBe('allow');
    expect(own.decision).toBe('allow');
    expect(own.reasons.map((r) => r.code)).toContain('BREACHED_PASSWORD');
  });

  it('grows with how often the password was breached, and never denies on its own', () => {
    const at = (breachCount: number | null) =>
      credentialsDetector.run(
        S.scoringInput({
          account,
          bundle: S.humanBundle(owner, 'x', 4),
          device: S.newDevice('x'),
          credentials: { breached: true, breachCount },
        }),
      ).evidence[0].risk;
    expect(at(1)).toBeLessThan(at(10_000));
    expect(at(10_000)).toBeLessThanOrEqual(at(50_000_000));
    expect(at(null)).toBe(at(1));
    expect(at(50_000_000)).toBeLessThan(S.scoringInput({ account }).policy.denyNeedsRisk);
  });

  it('can be turned off by the policy', () => {
    const input = S.scoringInput({ account, credentials: breached });
    const off = { ...input, policy: { ...input.policy, detectors: { ...input.policy.detectors, credentials: false } } };
    expect(assess(off).reasons.map((r) => r.code)).not.toContain('BREACHED_PASSWORD');
    expect(assess(input).reasons.map((r) => r.code)).toContain('BREACHED_PASSWORD');
  });
});

describe('passwordEntry', () => {
  const field = S.humanBundle(owner, 'd', 1).typing.fields[0];
  it('tells typing from filling by key events and flags', () => {
    expect(passwordEntry(field)).toBe('typed');
    expect(passwordEntry({ ...field, pasted: true })).toBe('filled');
    expect(passwordEntry({ ...field, keys: [], autofilled: false, inputEvents: 1 })).toBe('filled');
    expect(passwordEntry({ ...field, keys: [], inputEvents: 0 })).toBe('unknown');
    expect(passwordEntry(undefined)).toBe('unknown');
  });
});
