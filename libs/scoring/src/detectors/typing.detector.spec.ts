import { reasonDetailText } from '@kizuki/contract';
import { assess, DETECTORS } from '../engine/engine';
import type { ScoringInput } from '../types';
import { DEFAULT_POLICY } from '../policy';
import type { FieldTyping, KeyEvent, SignalBundle } from '@kizuki/contract';
import {
  CALIBRATION_WARM_LOGINS,
  enrolTypingSample,
  keyTimingsFromField,
  typingStateAnomaly,
  type KeyTiming,
  type TypingProfileState,
} from '../typing';
import { makeTypist, typeSamples } from '../typing/synthetic-typist';
import {
  TYPING_EVIDENCE_MAX_RISK,
  TYPING_MISMATCH_MAX_RISK,
  TYPING_MISMATCH_NEW_DEVICE_MIN_RISK,
  TYPING_UNUSUAL_RISK,
  TYPING_UNUSUAL_TRUSTED_DEVICE_MAX_RISK,
  typingDetector,
} from './typing.detector';

const alice = makeTypist(1);
const mallory = makeTypist(7);

function keysOf(sample: KeyTiming[]): KeyEvent[] {
  return sample.map((k, i) => ({ d: k.down, u: k.up, c: i === sample.length - 1 ? 'enter' : 'char' }));
}

function field(keys: KeyEvent[], extra: Partial<FieldTyping> = {}): FieldTyping {
  return {
    role: 'password',
    keys,
    pasted: false,
    autofilled: false,
    imeFallback: false,
    inputEvents: keys.length,
    startMs: 500,
    ...extra,
  };
}

function input(fields: FieldTyping[] | null, typingProfile: unknown): ScoringInput {
  const bundle = fields ? ({ typing: { fields } } as unknown as SignalBundle) : null;
  return {
    now: 0,
    policy: DEFAULT_POLICY,
    event: { type: 'login', status: 'attempted' },
    token: { state: 'valid' },
    bundle,
    account: {
      isNew: false,
      loginCount: 10,
      trustedLogins: 10,
      typingProfile,
      pointerProfile: null,
      countries: [],
      languages: [],
      lastLogin: null,
    },
    device: null,
    network: {
      ip: '192.0.2.1',
      country: null,
      city: null,
      lat: null,
      lon: null,
      asn: null,
      asnOrg: null,
      datacenter: false,
      tor: false,
      language: null,
    },
    velocity: {
      accountFailures: 0,
      accountDeviceFailures: 0,
      ipAccounts: 1,
      deviceAccounts: 1,
      asnAccounts: 1,
      ipFailures: 0,
      ipLogins: 1,
      asnLogins: 1,
      asnFailures: 0,
    },
    lists: [],
  };
}

function profileOf(n: number): TypingProfileState {
  let s: TypingProfileState | null = null;
  for (const x of typeSamples(alice, n, 50)) s = enrolTypingSample(s, x);
  return JSON.parse(JSON.stringify(s));
}

describe('typing detector (engine)', () => {
  const active = profileOf(20);

  it('is registered in the engine', () => {
    expect(DETECTORS).toContain(typingDetector);
  });

  it('gives the account owner a low typing score and no mismatch', () => {
    const out = typingDetector.run(input([field(keysOf(typeSamples(alice, 1, 51)[0]))], active));
    expect(out.scores!.typing).not.toBeNull();
    expect(out.scores!.typing!).toBeLessThan(0.5);
    expect(out.evidence.filter((e) => e.code === 'TYPING_MISMATCH')).toHaveLength(0);
  });

  it("judges the owner's login submitted with Enter (its key-up not in the bundle) like the same login with it", () => {
    // the page submits on Enter's key-down; the SDK sends the missing key-up as equal to the key-down,
    // which read as a zero hold is the furthest Enter hold there is (its z clipped at the maximum)
    const gaps = typeSamples(alice, 10, 60).map((x) => {
      const keys = keysOf(x);
      const missing = keys.map((k) => (k.c === 'enter' ? { ...k, u: k.d } : k));
      const anomaly = (ks: KeyEvent[]) => typingStateAnomaly(active, keyTimingsFromField(ks)!);
      return Math.abs(anomaly(missing) - anomaly(keys));
    });
    expect(gaps.reduce((s, g) => s + g, 0) / gaps.length).toBeLessThan(0.15);
  });

  it('flags another typist with TYPING_MISMATCH (takeover) and a high typing score', () => {
    const out = typingDetector.run(input([field(keysOf(typeSamples(mallory, 1, 52)[0]))], active));
    expect(out.scores!.typing!).toBeGreaterThan(0.5);
    const e = out.evidence.find((x) => x.code === 'TYPING_MISMATCH')!;
    expect(e.category).toBe('takeover');
    expect(e.risk).toBeGreaterThan(0);
    expect(e.risk).toBeLessThanOrEqual(TYPING_MISMATCH_MAX_RISK);
    const result = assess(input([field(keysOf(typeSamples(mallory, 1, 52)[0]))], active));
    expect(result.scores.typing).toBe(out.scores!.typing);
    expect(result.reasons.map((r) => r.code)).toContain('TYPING_MISMATCH');
  });

  it('handles a corrected typo (backspace) like the clean sample', () => {
    const s = typeSamples(alice, 1, 53)[0];
    const keys = keysOf(s);
    const typo: KeyEvent[] = [
      ...keys.slice(0, 4),
      { d: keys[3].d + 150, u: keys[3].d + 230, c: 'char' },
      { d: keys[3].d + 400, u: keys[3].d + 470, c: 'backspace' },
      ...keys.slice(4).map((k) => ({ ...k, d: k.d + 500, u: k.u + 500 })),
    ];
    const out = typingDetector.run(input([field(typo)], active));
    expect(keyTimingsFromField(typo)).toHaveLength(s.length);
    expect(out.scores!.typing).not.toBeNull();
    expect(out.scores!.typing!).toBeLessThan(0.5);
  });

  it('emits neutral NO_BEHAVIOR for autofilled, pasted or key-less passwords', () => {
    for (const f of [
      field([], { autofilled: true }),
      field(keysOf(typeSamples(alice, 1, 54)[0]), { pasted: true }),
      field([]),
    ]) {
      const out = typingDetector.run(input([f], active));
      expect(out.scores!.typing).toBeNull();
      expect(out.evidence).toEqual([expect.objectContaining({ code: 'NO_BEHAVIOR', category: 'info', risk: 0 })]);
    }
    const none = typingDetector.run(input([], active));
    expect(none.evidence[0].code).toBe('NO_BEHAVIOR');
  });

  it('gives no typing score while enrolling, for a missing bundle, or for a malformed stored profile', () => {
    const s = keysOf(typeSamples(alice, 1, 55)[0]);
    for (const stored of [null, profileOf(3), 'junk', { kind: 'kizuki.typing', v: 1, baseline: 5 }, [1, 2]]) {
      const out = typingDetector.run(input([field(s)], stored));
      expect(out.scores!.typing).toBeNull();
      expect(out.evidence.filter((e) => e.risk > 0)).toHaveLength(0);
    }
    expect(typingDetector.run(input(null, active)).scores!.typing).toBeNull();
  });

  it('treats a password of a very different length as incomparable, not as fraud', () => {
    const long = keysOf(typeSamples(makeTypist(3, 25), 1, 56)[0]);
    const out = typingDetector.run(input([field(long)], active));
    expect(out.scores!.typing).toBeNull();
    expect(out.evidence).toEqual([expect.objectContaining({ code: 'NO_BEHAVIOR', risk: 0 })]);
  });

  it('uses the username field too when its profile is active', () => {
    const stored = { kind: 'kizuki.typing.account', v: 1, password: active, username: active };
    const pw = field(keysOf(typeSamples(alice, 1, 57)[0]));
    const user = { ...field(keysOf(typeSamples(mallory, 1, 58)[0])), role: 'username' as const };
    const both = typingDetector.run(input([pw, user], stored)).scores!.typing!;
    const only = typingDetector.run(input([pw], stored)).scores!.typing!;
    expect(both).toBeGreaterThan(only);
  });

  it('on a device new to the account, a rhythm past the equal-error point weighs at least the new-device floor', () => {
    // find a mallory sample just past 0.5 (weak mismatch): on a known device its risk is small
    const weak = Array.from({ length: 200 }, (_, i) => field(keysOf(typeSamples(mallory, 1, 300 + i)[0])))
      .map((f) => ({ f, t: typingDetector.run(input([f], active)).scores!.typing! }))
      .filter((x) => x.t > 0.5)
      .sort((a, b) => a.t - b.t)[0];
    expect(weak).toBeDefined();
    const known = { id: 'd', knownToAccount: true, fuzzyMatch: false, status: 'trusted' as const, accountsSeen: 1 };
    const fresh = { id: 'n', knownToAccount: false, fuzzyMatch: false, status: 'new' as const, accountsSeen: 1 };
    const onKnown = typingDetector
      .run({ ...input([weak.f], active), device: known })
      .evidence.find((e) => e.code === 'TYPING_MISMATCH')!;
    const onNew = typingDetector
      .run({ ...input([weak.f], active), device: fresh })
      .evidence.find((e) => e.code === 'TYPING_MISMATCH')!;
    expect(onNew.risk).toBeGreaterThanOrEqual(TYPING_MISMATCH_NEW_DEVICE_MIN_RISK);
    expect(onNew.risk).toBeGreaterThanOrEqual(onKnown.risk);
    expect(reasonDetailText(onNew.detail)).toContain('new to the account');
    // a device the account saw but never trusted (a thief's earlier, denied try) is weighed as new
    const seen = { ...known, status: 'new' as const };
    const onSeen = typingDetector
      .run({ ...input([weak.f], active), device: seen })
      .evidence.find((e) => e.code === 'TYPING_MISMATCH')!;
    expect(onSeen.risk).toBe(onNew.risk);
    // with NEW_DEVICE (0.25) that is a challenge on the default policy
    const r = assess({ ...input([weak.f], active), device: fresh });
    expect(r.decision).toBe('challenge');
    // the owner's own rhythm on a new device adds nothing
    const own = typingDetector.run({ ...input([field(keysOf(typeSamples(alice, 1, 51)[0]))], active), device: fresh });
    expect(own.evidence.filter((e) => e.code === 'TYPING_MISMATCH')).toHaveLength(0);
  });

  it('challenges, never denies, the owner abroad on a new device whose rhythm departs completely', () => {
    // the strongest departure there is: another typist's rhythm, scored against a warm profile
    const f = field(keysOf(typeSamples(mallory, 1, 52)[0]));
    const fresh = { id: 'n', knownToAccount: false, fuzzyMatch: false, status: 'new' as const, accountsSeen: 1 };
    const base = input([f], active);
    const now = Date.UTC(2026, 11, 4, 12);
    const abroad: ScoringInput = {
      ...base,
      now,
      device: fresh,
      account: {
        ...base.account!,
        countries: ['US'],
        languages: ['en'],
        lastLogin: { at: now - 3600_000, country: 'US', lat: 40.7, lon: -74 },
      },
      network: { ...base.network, ip: '198.51.100.7', country: 'FR', lat: 48.85, lon: 2.35, language: 'en' },
    };
    const typing = typingDetector.run(abroad);
    expect(typing.scores!.typing!).toBeGreaterThan(0.9);
    const t = typing.evidence.find((e) => e.code === 'TYPING_MISMATCH')!;
    expect(t.risk).toBe(TYPING_EVIDENCE_MAX_RISK);
    expect(t.risk).toBeLessThan(DEFAULT_POLICY.denyNeedsRisk);
    const r = assess(abroad);
    expect(r.reasons.map((x) => x.code)).toEqual(expect.arrayContaining(['IMPOSSIBLE_TRAVEL', 'NEW_COUNTRY']));
    expect(r.decision).toBe('challenge');
    // bot evidence still denies: a webdriver on the same login
    const automation = { webdriver: true };
    const bot = { ...abroad, bundle: { ...abroad.bundle!, automation } as unknown as SignalBundle };
    expect(assess(bot).decision).toBe('deny');
  });

  describe('per-account calibration', () => {
    const trusted = { id: 'd', knownToAccount: true, fuzzyMatch: false, status: 'trusted' as const, accountsSeen: 1 };
    const withRate = (falseChallengeRate: number): ScoringInput['policy'] => ({
      ...DEFAULT_POLICY,
      typing: { falseChallengeRate },
    });

    it('challenges another person on a device the account trusts, below deny-strength evidence', () => {
      const f = field(keysOf(typeSamples(mallory, 1, 52)[0]));
      const out = typingDetector.run({ ...input([f], active), device: trusted });
      const t = out.evidence.find((e) => e.code === 'TYPING_MISMATCH')!;
      expect(t.risk).toBeGreaterThanOrEqual(TYPING_UNUSUAL_RISK);
      expect(t.risk).toBeLessThanOrEqual(TYPING_UNUSUAL_TRUSTED_DEVICE_MAX_RISK);
      expect(reasonDetailText(t.detail)).toContain('trusts');
      expect(reasonDetailText(t.detail)).toMatch(/unusual for this account: about 1 in \d+/);
      expect(assess({ ...input([f], active), device: trusted }).decision).toBe('challenge');
    });

    it("challenges the owner's own logins on that device at about the tenant's target rate, not more", () => {
      // an erratic typist (timings vary ±30 %, not ±12 %)
      const erratic = makeTypist(1, 11, 0.3);
      let start: TypingProfileState | null = null;
      for (const x of typeSamples(erratic, 10, 50)) start = enrolTypingSample(start, x);
      const rates: Record<number, number> = {};
      const samples = typeSamples(erratic, 300, 900);
      for (const rate of [0.01, 0.1]) {
        let flagged = 0;
        let state = start!;
        for (const x of samples) {
          const r = assess({ ...input([field(keysOf(x))], state), device: trusted, policy: withRate(rate) });
          if (r.decision !== 'allow') flagged++;
          state = enrolTypingSample(state, x);
        }
        rates[rate] = flagged / samples.length;
      }
      expect(rates[0.01]).toBeLessThanOrEqual(0.02);
      expect(rates[0.1]).toBeGreaterThan(rates[0.01]);
    });

    it('is lenient on a cold profile: the target shrinks until CALIBRATION_WARM_LOGINS trusted logins', () => {
      const cold = profileOf(5);
      const warm = { ...cold, count: 10 };
      const f = field(keysOf(typeSamples(makeTypist(3, 11, 0.3), 1, 77)[0]));
      // a lax tenant target makes the difference visible: the same sample, the same profile
      const policy = withRate(0.2);
      const onCold = typingDetector.run({ ...input([f], cold), device: trusted, policy });
      const onWarm = typingDetector.run({ ...input([f], warm), device: trusted, policy });
      const risk = (o: typeof onCold) => o.evidence.find((e) => e.code === 'TYPING_MISMATCH')?.risk ?? 0;
      expect(risk(onWarm)).toBeGreaterThanOrEqual(risk(onCold));
      expect(cold.count).toBeLessThan(CALIBRATION_WARM_LOGINS);
    });

    it('works for profiles stored before calibration (population prior only)', () => {
      const legacy: TypingProfileState = { ...active };
      delete legacy.calibration;
      const f = field(keysOf(typeSamples(mallory, 1, 52)[0]));
      const out = typingDetector.run({ ...input([f], legacy), device: trusted });
      expect(out.evidence.find((e) => e.code === 'TYPING_MISMATCH')!.risk).toBeGreaterThanOrEqual(TYPING_UNUSUAL_RISK);
    });
  });
});
