import { reasonDetailText } from '@kizuki/contract';
// The account's life beyond the login: registration (new-account fraud), takeover cash-out on a
// profile change, per-event thresholds.
import { assess } from '../engine/engine';
import { DEFAULT_POLICY, resolvePolicy } from '../policy';
import * as S from '../testing/scenario';
import type { RecentLogin, ScoringInput, SignupCounts } from '../types';
import { accountChangeDetector } from './account-change.detector';
import { signupDetector } from './signup.detector';

const NOW = Date.UTC(2026, 11, 31, 23, 55); // minutes before a year's (and month's) turn
const owner = S.makePerson(3);
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

const registration = (signup: Partial<SignupCounts>, parts: Partial<ScoringInput> = {}): ScoringInput =>
  S.scoringInput({
    now: NOW,
    event: { type: 'registration', status: 'succeeded' },
    account: { ...S.learnedAccount(owner, 0, ['x'], NOW), isNew: true, loginCount: 0, trustedLogins: 0 },
    bundle: S.humanBundle(owner, 'farm-1', 7),
    device: S.newDevice('dev-1'),
    velocity: { ...S.QUIET, signup: { device: 1, ip: 1, network: 1, asn: 1, ...signup } },
    ...parts,
  });

describe('registration (signup detector)', () => {
  it('allows a person opening an account: no NEW_USER, NEW_DEVICE or velocity reasons', () => {
    const r = assess(registration({}, { email: { domain: 'example.jp', disposable: false } }));
    expect(r.decision).toBe('allow');
    expect(codes(r)).not.toEqual(expect.arrayContaining(['NEW_USER']));
    expect(codes(r)).not.toContain('NEW_DEVICE');
    expect(codes(r)).not.toContain('CREDENTIAL_STUFFING');
  });

  it('flags a device opening account after account: challenge from the 4th, deny from the 10th', () => {
    expect(assess(registration({ device: 3 })).decision).toBe('allow');
    const fourth = assess(registration({ device: 4 }));
    expect(fourth.decision).toBe('challenge');
    expect(fourth.reasons[0]).toEqual({
      code: 'DEVICE_MANY_ACCOUNTS',
      detail: '4 accounts opened from this device in 1 d.',
      detailKey: 'signup.device',
      params: { accounts: 4, window: { key: 'duration.days', params: { n: 1 } } },
    });
    expect(assess(registration({ device: 10 })).decision).toBe('deny');
  });

  it('weighs SIGNUP_VELOCITY and DISPOSABLE_EMAIL below a challenge alone, a challenge together', () => {
    const ip = assess(registration({ ip: 6 }));
    expect(codes(ip)).toContain('SIGNUP_VELOCITY');
    expect(ip.decision).toBe('allow');
    const mail = assess(registration({}, { email: { domain: 'mailinator.com', disposable: true } }));
    expect(mail.reasons[0].detail).toBe('The e-mail domain mailinator.com gives out disposable mailboxes.');
    expect(mail.decision).toBe('allow');
    const both = assess(registration({ ip: 6 }, { email: { domain: 'mailinator.com', disposable: true } }));
    expect(both.decision).toBe('challenge');
    // the /24 and the ASN count when the IP does not
    expect(reasonDetailText(signupDetector.run(registration({ network: 10 })).evidence[0].detail)).toMatch(
      /network \(\/24\)/,
    );
    expect(reasonDetailText(signupDetector.run(registration({ asn: 200 })).evidence[0].detail)).toMatch(/ASN/);
  });

  it('says FORM_FILLED when nothing was typed, more so without any pointer', () => {
    const b = S.humanBundle(owner, 'farm-1', 8);
    const filled = {
      ...b,
      typing: { fields: b.typing.fields.map((f) => ({ ...f, keys: [], pasted: true, inputEvents: 1 })) },
    };
    const moved = signupDetector.run(registration({}, { bundle: filled })).evidence;
    expect(moved).toEqual([expect.objectContaining({ code: 'FORM_FILLED', risk: 0.1 })]);
    const still = { ...filled, pointer: { ...filled.pointer, eventCount: 0, touches: 0, moves: [], clicks: [] } };
    expect(signupDetector.run(registration({}, { bundle: still })).evidence[0].risk).toBe(0.25);
    // typed: nothing to say
    expect(signupDetector.run(registration({})).evidence).toEqual([]);
  });

  it('counts nothing of this on a login', () => {
    const login = { ...registration({ device: 20, ip: 20 }), event: { type: 'login', status: 'succeeded' } as const };
    expect(signupDetector.run(login).evidence).toEqual([]);
  });
});

describe('takeover cash-out (account-change detector)', () => {
  const account = S.learnedAccount(owner, 10, ['own'], NOW - 86_400_000);
  const login = (o: Partial<RecentLogin> = {}): RecentLogin => ({
    at: NOW - 4 * 60_000,
    deviceId: 'intruder',
    newDevice: true,
    decision: 'allow',
    label: null,
    ...o,
  });
  const change = (changes: ('email' | 'phone' | 'mfa' | 'address' | 'password')[], parts: Partial<ScoringInput>) =>
    S.scoringInput({
      now: NOW,
      event: { type: 'profile_update', status: 'succeeded', changes },
      account,
      bundle: S.humanBundle(S.makePerson(9), 'intruder', 1),
      device: { ...S.knownDevice('intruder'), status: 'trusted' },
      ...parts,
    });

  it('scores an e-mail change right after a login from a new device above either alone', () => {
    const loginAlone = assess(
      S.scoringInput({ now: NOW, account, bundle: S.humanBundle(owner, 'x', 1), device: S.newDevice('intruder') }),
    );
    const changeAlone = assess(change(['email'], { device: S.newDevice('intruder') }));
    const both = assess(
      change(['email'], {
        device: S.newDevice('intruder'),
        account: { ...account, recentLogins: [login()] },
      }),
    );
    expect(codes(both)).toContain('TAKEOVER_CASHOUT');
    expect(both.score).toBeGreaterThan(loginAlone.score);
    expect(both.score).toBeGreaterThan(changeAlone.score);
    expect(both.decision).not.toBe('allow');
    expect(both.reasons.find((r) => r.code === 'TAKEOVER_CASHOUT')!.detail).toBe(
      'email changed 4 min after a login from a device new to this account.',
    );
  });

  it('flags the intruder device the allowed login made trusted, more after a challenged login', () => {
    const ev = (l: RecentLogin) =>
      accountChangeDetector.run(change(['phone', 'address'], { account: { ...account, recentLogins: [l] } })).evidence;
    expect(ev(login())).toEqual([expect.objectContaining({ code: 'TAKEOVER_CASHOUT', risk: 0.5 })]);
    expect(ev(login({ decision: 'challenge' }))[0].risk).toBe(0.65);
    expect(reasonDetailText(ev(login({ decision: 'challenge' }))[0].detail)).toMatch(
      /^phone changed 4 min after a challenged login/,
    );
    expect(reasonDetailText(ev(login({ decision: 'deny' }))[0].detail)).toMatch(
      /^phone changed 4 min after a denied login/,
    );
  });

  it('stays quiet for the owner: known device, old or vouched-for login, no recovery change', () => {
    const quiet = (c: ScoringInput) => expect(accountChangeDetector.run(c).evidence).toEqual([]);
    const recent = { ...account, recentLogins: [login()] };
    quiet(change(['email'], { account: recent, device: S.knownDevice('own') }));
    quiet(change(['email'], { account: { ...account, recentLogins: [login({ at: NOW - 31 * 60_000 })] } }));
    quiet(change(['email'], { account: { ...account, recentLogins: [login({ label: 'challenge_passed' })] } }));
    quiet(change(['email'], { account: { ...account, recentLogins: [login({ newDevice: false })] } }));
    quiet(change(['address', 'password'], { account: recent }));
    // a login is no profile change
    quiet({ ...change(['email'], { account: recent }), event: { type: 'login', status: 'succeeded' } });
  });

  it('without SDK signals on the change, the recent login from a new device is the session', () => {
    const out = accountChangeDetector.run(
      change(['mfa'], { bundle: null, device: null, account: { ...account, recentLogins: [login()] } }),
    );
    expect(out.evidence[0].code).toBe('TAKEOVER_CASHOUT');
  });

  it('flags DISPOSABLE_EMAIL when the new address is disposable', () => {
    const r = signupDetector.run(change(['email'], { email: { domain: 'yopmail.com', disposable: true } }));
    expect(r.evidence[0].code).toBe('DISPOSABLE_EMAIL');
    expect(
      signupDetector.run(change(['phone'], { email: { domain: 'yopmail.com', disposable: true } })).evidence,
    ).toEqual([]);
  });
});

describe('per-event thresholds', () => {
  it('decides each event by its own thresholds, completed with defaults', () => {
    const p = resolvePolicy({ events: { registration: { challenge: 35, deny: 90 }, profile_update: 'x' } });
    expect(p.events.registration).toEqual({ challenge: 35, deny: 90 });
    expect(p.events.profile_update).toEqual(DEFAULT_POLICY.events.profile_update);
    expect(p.events.password_reset).toEqual(DEFAULT_POLICY.events.password_reset);
    const input = registration({ ip: 6 }); // SIGNUP_VELOCITY 0.32
    expect(assess({ ...input, policy: p }).decision).toBe('allow');
    expect(
      assess({ ...input, policy: { ...p, events: { ...p.events, registration: { challenge: 30, deny: 90 } } } }),
    ).toMatchObject({ decision: 'challenge' });
    // the same score on a login is decided by the login thresholds
    const asLogin = { ...input, event: { type: 'login', status: 'succeeded' } as const };
    expect(assess({ ...asLogin, policy: { ...p, thresholds: { challenge: 5, deny: 90 } } }).decision).toBe('challenge');
  });
});
