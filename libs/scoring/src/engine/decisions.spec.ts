// The desired decisions on the default policy (issue 4), on realistic synthetic logins with
// account histories built through the real learning functions.
import { assess } from './engine';
import { DEFAULT_POLICY, resolvePolicy } from '../policy';
import * as S from '../testing/scenario';
import type { ScoringResult } from '../types';

const NOW = Date.UTC(2026, 5, 1);
const owner = S.makePerson(1);
const account = S.learnedAccount(owner, 20, ['dev-a', 'dev-b'], NOW - 86_400_000);
const codes = (r: ScoringResult) => r.reasons.map((x) => x.code);

describe('decisions on the default policy', () => {
  it('allows the owner on a usual device with their own rhythm', () => {
    for (let i = 0; i < 10; i++) {
      const r = assess(
        S.scoringInput({ account, bundle: S.humanBundle(owner, 'dev-a', 9000 + i), device: S.knownDevice('dev-a') }),
      );
      expect(r.decision).toBe('allow');
      expect(r.scores.typing).not.toBeNull();
      expect(r.scores.pointer).not.toBeNull();
    }
  });

  it('at most challenges the owner on a new device or travelling, never denies', () => {
    const worst = [
      { device: S.newDevice('dev-n'), network: S.TOKYO },
      {
        device: S.newDevice('dev-n'),
        network: { ...S.TOKYO, ip: '198.51.100.7', country: 'US', city: 'New York', lat: 40.7, lon: -74 },
      },
      // a VPN exit in a hosting network abroad, minutes after a login in Tokyo
      {
        device: S.newDevice('dev-n'),
        network: { ...S.TOKYO, country: 'DE', lat: 50.1, lon: 8.7, asn: 24940, asnOrg: 'Hetzner Online GmbH' },
      },
    ];
    for (const [i, w] of worst.entries()) {
      const r = assess(
        S.scoringInput({
          account: { ...account, lastLogin: { at: NOW - 600_000, country: 'JP', lat: 35.69, lon: 139.69 } },
          bundle: S.humanBundle(owner, 'dev-n', 9100 + i),
          ...w,
        }),
      );
      expect(r.decision).not.toBe('deny');
    }
    const travel = assess(
      S.scoringInput({
        account,
        bundle: S.humanBundle(owner, 'dev-a', 9150),
        device: S.knownDevice('dev-a'),
        network: { ...S.TOKYO, country: 'FR', lat: 48.9, lon: 2.35 },
      }),
    );
    expect(travel.decision).toBe('allow');
    expect(codes(travel)).toContain('NEW_COUNTRY');
  });

  it(
    "new device + a network the account never used: challenge, even with the owner's rhythm; " + 'each alone: allow',
    () => {
      const elsewhere = { ...S.TOKYO, ip: '198.51.100.7' };
      for (let i = 0; i < 5; i++) {
        // a thief who types like the owner (here: the owner's own rhythm) on their own machine and network
        const both = assess(
          S.scoringInput({
            account,
            bundle: S.humanBundle(owner, 'dev-n', 9300 + i),
            device: S.newDevice('dev-n'),
            network: elsewhere,
          }),
        );
        expect(both.decision).toBe('challenge');
        expect(codes(both)).toEqual(expect.arrayContaining(['NEW_DEVICE', 'NEW_NETWORK']));
        // the owner's laptop at a café
        const cafe = assess(
          S.scoringInput({
            account,
            bundle: S.humanBundle(owner, 'dev-a', 9310 + i),
            device: S.knownDevice('dev-a'),
            network: elsewhere,
          }),
        );
        expect(cafe.decision).toBe('allow');
        expect(codes(cafe)).toContain('NEW_NETWORK');
        // the owner's new laptop at home: unchanged by networks
        const home = assess(
          S.scoringInput({
            account,
            bundle: S.humanBundle(owner, 'dev-n', 9320 + i),
            device: S.newDevice('dev-n'),
            network: { ...S.TOKYO, ip: '203.0.113.99' },
          }),
        );
        const before = assess(
          S.scoringInput({
            account: { ...account, networks: undefined },
            bundle: S.humanBundle(owner, 'dev-n', 9320 + i),
            device: S.newDevice('dev-n'),
            network: { ...S.TOKYO, ip: '203.0.113.99' },
          }),
        );
        expect(home).toEqual(before);
        expect(home.decision).toBe('allow');
        // an account enrolled before networks were learned: no history is unknown, not new
        const upgraded = assess(
          S.scoringInput({
            account: { ...account, networks: [] },
            bundle: S.humanBundle(owner, 'dev-n', 9300 + i),
            device: S.newDevice('dev-n'),
            network: elsewhere,
          }),
        );
        expect(codes(upgraded)).not.toContain('NEW_NETWORK');
        expect(upgraded.decision).toBe('allow');
      }
    },
  );

  it('challenges or denies the right password typed by another person on a new device', () => {
    for (let k = 2; k < 12; k++) {
      const r = assess(
        S.scoringInput({
          account,
          bundle: S.humanBundle(S.makePerson(k), 'dev-x', 9200 + k),
          device: S.newDevice('dev-x'),
        }),
      );
      expect(r.decision).not.toBe('allow');
      expect(codes(r)).toContain('TYPING_MISMATCH');
    }
  });

  it('challenges or denies naive bots, even on a fresh account', () => {
    for (const bundle of [S.botBundle(), S.botBundle('b2', { webdriver: false })]) {
      for (const acc of [
        account,
        { ...S.learnedAccount(owner, 0, ['x'], 0), isNew: true, countries: [], languages: [], lastLogin: null },
      ]) {
        const r = assess(S.scoringInput({ account: acc, bundle, device: S.newDevice(bundle.device.visitorId) }));
        expect(r.decision).not.toBe('allow');
        expect(r.scores.bot!).toBeGreaterThan(0.5);
      }
    }
    const wd = assess(S.scoringInput({ account, bundle: S.botBundle(), device: S.newDevice('bot') }));
    expect(wd.decision).toBe('deny');
    expect(codes(wd)).toContain('BOT_AUTOMATION');
  });

  it(
    'flags credential stuffing from an IP (challenge), ' + 'denies it with a bot or from one device cycling accounts',
    () => {
      const fresh = {
        ...account,
        isNew: true,
        typingProfile: null,
        pointerProfile: null,
        countries: [],
        languages: [],
        lastLogin: null,
      };
      const stuffing = { ...S.QUIET, ipAccounts: 12, ipFailures: 10, ipLogins: 12 };
      const human = S.humanBundle(S.makePerson(30), 'att', 1);
      const r = assess(
        S.scoringInput({
          account: fresh,
          event: { type: 'login', status: 'failed' },
          bundle: human,
          device: S.newDevice('att'),
          velocity: stuffing,
        }),
      );
      expect(codes(r)).toContain('CREDENTIAL_STUFFING');
      expect(r.decision).toBe('challenge');
      const bot = assess(
        S.scoringInput({
          account: fresh,
          bundle: S.botBundle('b3', { webdriver: false }),
          device: S.newDevice('b3'),
          velocity: stuffing,
        }),
      );
      expect(bot.decision).toBe('deny');
      const oneDevice = assess(
        S.scoringInput({
          account: fresh,
          bundle: human,
          device: S.newDevice('att'),
          velocity: { ...S.QUIET, deviceAccounts: 20 },
        }),
      );
      expect(oneDevice.decision).toBe('deny');
    },
  );

  it('allows 100 real users behind one office NAT IP (many accounts, few failures)', () => {
    for (let u = 0; u < 100; u += 7) {
      const p = S.makePerson(100 + u);
      const acc = S.learnedAccount(p, 8, [`office-${u}`], NOW - 3_600_000);
      const velocity = { ...S.QUIET, ipAccounts: u + 1, ipLogins: u + 1, ipFailures: Math.floor(u / 10) };
      const r = assess(
        S.scoringInput({
          account: acc,
          bundle: S.humanBundle(p, `office-${u}`, 500 + u),
          device: S.knownDevice(`office-${u}`),
          velocity,
        }),
      );
      expect(r.decision).toBe('allow');
      expect(codes(r)).not.toContain('CREDENTIAL_STUFFING');
    }
  });

  it('never denies on weak evidence alone (deny needs one strong piece)', () => {
    const r = assess(
      S.scoringInput({
        account,
        bundle: null,
        token: { state: 'missing' },
        network: { ...S.TOKYO, country: 'US', lat: 40.7, lon: -74, tor: true, language: 'en' },
      }),
    );
    expect(r.score).toBeLessThan(DEFAULT_POLICY.thresholds.deny);
    expect(r.decision).toBe('challenge');
  });

  it('reports the device status (shared when many accounts use it)', () => {
    const r = assess(
      S.scoringInput({
        account,
        bundle: S.humanBundle(owner, 'dev-a', 1),
        device: { ...S.knownDevice('dev-a'), accountsSeen: 6 },
      }),
    );
    expect(r.deviceStatus).toBe('shared');
    expect(codes(r)).toContain('DEVICE_SHARED');
    expect(
      assess(S.scoringInput({ account, bundle: S.humanBundle(owner, 'dev-a', 1), device: S.knownDevice('dev-a') }))
        .deviceStatus,
    ).toBe('trusted');
  });
});

describe('resolvePolicy', () => {
  it('completes partial and junk stored policies', () => {
    const p = resolvePolicy({
      thresholds: { deny: 90 },
      stuffing: { ipAccounts: 20, ipFailureRatio: 'x' },
      device: null,
      denyNeedsRisk: Number.NaN,
    });
    expect(p.thresholds).toEqual({ challenge: 40, deny: 90 });
    expect(p.stuffing.ipAccounts).toBe(20);
    expect(p.stuffing.ipFailureRatio).toBe(DEFAULT_POLICY.stuffing.ipFailureRatio);
    expect(p.device).toEqual(DEFAULT_POLICY.device);
    expect(p.denyNeedsRisk).toBe(DEFAULT_POLICY.denyNeedsRisk);
    expect(resolvePolicy(null)).toEqual(DEFAULT_POLICY);
  });
});

describe('policy: typing false-challenge rate', () => {
  it('defaults to 1 % and keeps a stored rate only within 0.0001..0.2', () => {
    expect(resolvePolicy({}).typing.falseChallengeRate).toBe(0.01);
    expect(resolvePolicy({ typing: { falseChallengeRate: 0.02 } }).typing.falseChallengeRate).toBe(0.02);
    expect(resolvePolicy({ typing: { falseChallengeRate: 0.9 } }).typing.falseChallengeRate).toBe(0.01);
    expect(resolvePolicy({ typing: { falseChallengeRate: 0 } }).typing.falseChallengeRate).toBe(0.01);
    expect(resolvePolicy({ typing: { falseChallengeRate: 'x' } }).typing.falseChallengeRate).toBe(0.01);
  });
});
