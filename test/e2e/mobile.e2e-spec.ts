// The mobile path end to end: bundles built by the React Native SDK's client (libs/react-native,
// driven here without a phone: the same recorders its hook feeds) through /v1/collect and /v1/risk
// on a real api, worker, PostgreSQL and Redis.
import type { KeyClass, SignalBundle } from '@kizuki/contract';
import { KizukiClient } from '../../libs/react-native/src/client';
import { makeBundle } from '../../fixtures/factories';
import { CMU_CSV, cmuAvailable, readCmuReps, type CmuRep } from '../../fixtures/human-input';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(240_000);

const ORIGIN = KizukiEnv.ORIGIN;
const APP = 'jp.example.shop';
const CMU = cmuAvailable();
if (!CMU)
  console.warn(`mobile e2e: CMU keystroke data not found at ${CMU_CSV}: the alternating-device test is skipped`);

class Clock {
  t = 10_000;
  now = () => this.t;
}

function phone(env: KizukiEnv, key: string, appId = APP, model = 'iPhone15,2', vendorId = 'owner-idfv') {
  const clock = new Clock();
  const data = new Map<string, string>();
  const client = new KizukiClient(
    {
      publishableKey: key,
      endpoint: env.baseUrl,
      appId,
      storage: { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) },
      clock: clock.now,
      retries: 0,
      deviceInfo: { getUniqueId: () => vendorId, getModel: () => model, getBrand: () => 'Apple' },
    },
    { OS: 'ios', Version: '17.5' },
    () => ({ width: 390, height: 844, scale: 3 }),
  );
  return { client, clock };
}

const keyClass = (key: string): KeyClass => (key === 'Enter' ? 'enter' : 'char');

/** A login on the phone: key presses at the rep's key-down times (flights stretched: thumbs), taps and swipes. */
async function phoneLogin(p: ReturnType<typeof phone>, rep: CmuRep): Promise<string | null> {
  const s = p.client.session('login');
  const f = s.field('password', 'password');
  p.clock.t += 1500;
  s.touch.tap('password', { locationX: 120, locationY: 20 }, { width: 300, height: 44 }, p.clock.t);
  f.focus();
  const t0 = p.clock.t;
  rep.keys.forEach((k, i) => {
    const t = t0 + k.down * 1.5;
    f.keyPress(k.key === 'Enter' ? 'Enter' : 'a', t);
    if (k.key !== 'Enter') f.textLength(i + 1, t + 5);
  });
  p.clock.t = t0 + rep.keys[rep.keys.length - 1].down * 1.5 + 400;
  for (let stroke = 0; stroke < 3; stroke++) {
    s.touch.down({ pageX: 200, pageY: 600 - stroke * 40, force: 0.3 }, (p.clock.t += 300));
    for (let i = 1; i <= 12; i++)
      s.touch.move({ pageX: 200 + i * 3, pageY: 600 - stroke * 40 - i * 9, force: 0.35 }, (p.clock.t += 16));
  }
  s.touch.tap('submit', { locationX: 130, locationY: 22 }, { width: 300, height: 48 }, (p.clock.t += 200));
  return s.collect();
}

/** A login on the laptop: the rep as browser key-down/up times, a mouse trajectory. */
function laptopBundle(rep: CmuRep, seed: number): SignalBundle {
  const b = makeBundle({ visitorId: 'laptop-hana-0001', storageId: 'laptop-store-0001', seed });
  b.typing.fields = [
    {
      role: 'password',
      keys: rep.keys.map((k) => ({
        d: Math.round(k.down * 10) / 10,
        u: Math.round(k.up * 10) / 10,
        c: keyClass(k.key),
      })),
      pasted: false,
      autofilled: false,
      imeFallback: false,
      inputEvents: rep.keys.length - 1,
      startMs: 1500,
    },
  ];
  return b;
}

describe('mobile apps (React Native SDK) through /v1/collect and /v1/risk', () => {
  // a fallback answer (the score not in time, on a loaded machine) is a challenge: it must not pass for
  // the engine's decision, so the api waits long, and each takeover asserts it was scored
  const env = new KizukiEnv({ RISK_TIMEOUT_MS: '10000' });
  let a: { tenantId: string; publishableKey: string; secretKey: string };
  let b: { tenantId: string; publishableKey: string; secretKey: string };

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('Tenant A', [ORIGIN]);
    b = await env.createTenant('Tenant B', [ORIGIN]);
    await env.sql(`UPDATE tenants SET app_ids = $2 WHERE id = $1`, [a.tenantId, [APP]]);
  });
  afterAll(() => env.stop());

  const risk = (requestToken: string | null, user: string, key = a.secretKey) =>
    env.post(
      '/v1/risk',
      {
        event: 'login',
        status: 'succeeded',
        ...(requestToken ? { requestToken } : {}),
        user: { id: user },
        context: { ip: '203.0.113.10', userAgent: 'ShopApp/2.4.1 iOS/17.5', acceptLanguage: 'ja-JP,ja;q=0.9' },
      },
      { authorization: `Bearer ${key}` },
    );

  type Answer = { id: string; decision: string; score: number; reasons: { code: string; detail: string }[] };

  /** The app challenged the login and its owner passed: the device is trusted and the login learned. */
  const passChallenge = async (assessmentId: string) => {
    const f = await env.post(
      '/v1/feedback',
      { assessmentId, label: 'challenge_passed' },
      { authorization: `Bearer ${a.secretKey}` },
    );
    expect(f.status).toBe(200);
    for (let i = 0; i < 200; i++) {
      const rows = await env.sql(`SELECT 1 FROM feedback WHERE assessment_id = $1 AND applied_at IS NOT NULL`, [
        assessmentId,
      ]);
      if (rows.length) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`challenge_passed for ${assessmentId} was not applied`);
  };

  /** Laptop logins of `user` with a CMU subject's rhythm (reps `from`..`from + n - 1`), passing any challenge. */
  const laptopLogins = async (user: string, reps: CmuRep[], from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      const t = await env.post('/v1/collect', laptopBundle(reps[i], i + 1), {
        'x-kizuki-key': a.publishableKey,
        origin: ORIGIN,
      });
      const r = (await risk(t.body.requestToken, user)).body as Answer;
      if (r.decision !== 'allow') await passChallenge(r.id);
    }
  };

  it('accepts a bundle only from a registered app id of the key’s own tenant, and scores it', async () => {
    const rep: CmuRep = {
      subject: 'x',
      session: 1,
      rep: 1,
      // irregular like a person (a metronome would be flagged as a bot)
      keys: [...'abcdefghij'].map((key, i) => ({
        key,
        down: i * 180 + ((i * 37) % 90),
        up: i * 180 + ((i * 37) % 90),
      })),
    };
    expect(await phoneLogin(phone(env, a.publishableKey, 'jp.example.other'), rep)).toBeNull();
    expect(await phoneLogin(phone(env, b.publishableKey), rep)).toBeNull(); // tenant B never registered it
    const bundle = await phone(env, a.publishableKey).client.session().bundle();
    const refused = await env.post('/v1/collect', bundle, { 'x-kizuki-key': a.publishableKey });
    expect(refused.status).toBe(403); // no Origin and no app id
    const spoofed = await env.post('/v1/collect', bundle, { 'x-kizuki-key': a.publishableKey, origin: ORIGIN });
    expect(spoofed.status).toBe(400); // a page cannot send the app part
    const other = await env.post('/v1/collect', bundle, { 'x-kizuki-key': a.publishableKey, 'x-kizuki-app': 'jp.x.y' });
    expect(other.body.error.code).toBe('APP_NOT_ALLOWED');

    const token = await phoneLogin(phone(env, a.publishableKey), rep);
    expect(token).toMatch(/^rt_/);
    const r = await risk(token, 'mobile-first@example.jp');
    expect(r.status).toBe(200);
    expect(r.body.decision).toBe('allow');
    expect(r.body.reasons.map((x: { code: string }) => x.code)).not.toContain('TOKEN_MISSING');
    const [stored] = await env.sql<{ origin: string; payload: SignalBundle }>(
      `SELECT origin, payload FROM signal_bundles ORDER BY received_at DESC LIMIT 1`,
    );
    expect(stored.origin).toBe(`app:${APP}`);
    expect(stored.payload.app?.id).toBe(APP);
    expect(stored.payload.typing.fields[0].keys.every((k) => k.u === k.d)).toBe(true);
  });

  (CMU ? it : it.skip)('keeps an owner alternating laptop (CMU rhythm) and phone (touch) allowed', async () => {
    const reps = readCmuReps();
    const owner = reps.get('s002')!;
    const myPhone = phone(env, a.publishableKey);
    const user = 'hana@example.jp';
    let rep = 0;
    const login = async (on: 'laptop' | 'phone') => {
      const r = owner[rep++];
      const token =
        on === 'phone'
          ? await phoneLogin(myPhone, r)
          : (
              await env.post('/v1/collect', laptopBundle(r, rep), {
                'x-kizuki-key': a.publishableKey,
                origin: ORIGIN,
              })
            ).body.requestToken;
      const res = await risk(token, user);
      return res.body as Answer;
    };
    // enrolment: trusted logins of each modality. The first phone login is a new device of a kind
    // the account never typed on: challenged (NEW_DEVICE), and the owner passes the app's challenge.
    const challenged: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = await login(i % 2 ? 'phone' : 'laptop');
      if (d.decision === 'allow') continue;
      challenged.push(i);
      if (i === 1) expect(d.reasons.find((x) => x.code === 'NEW_DEVICE')?.detail).toMatch(/touch keyboard/);
      await passChallenge(d.id);
    }
    expect(challenged).toEqual([1]);
    const decisions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const d = await login(i % 2 ? 'phone' : 'laptop');
      decisions.push(d.decision);
      if (d.decision !== 'allow') console.log('owner not allowed', i, JSON.stringify(d));
    }
    const allowed = decisions.filter((d) => d === 'allow').length;
    console.log(`alternating laptop/phone: ${allowed}/20 allowed`);
    expect(allowed / 20).toBeGreaterThanOrEqual(0.98);
  });

  // The thieves are the first five odd-numbered CMU subjects other than the owner, in file order:
  // the typing calibration prior was chosen on the even ones (docs/detection-report.md).
  const thieves = () =>
    [...readCmuReps().keys()].filter((s) => s !== 's002' && Number(s.replace(/\D/g, '')) % 2 === 1).slice(0, 5);

  /** Each thief's first repetition on a new phone of the owner's model, OS, locale and screen. */
  const takeovers = async (user: string, tag: string) => {
    const reps = readCmuReps();
    const out: Answer[] = [];
    for (const subject of thieves()) {
      // only the vendor id tells these phones apart from the owner's
      const thief = phone(env, a.publishableKey, APP, 'iPhone15,2', `thief-idfv-${tag}-${subject}`);
      const r = (await risk(await phoneLogin(thief, reps.get(subject)![0]), user)).body as Answer & {
        scores: { typing: number | null };
      };
      console.log(
        `${tag}: takeover by ${subject}: ${r.decision} (typing ${r.scores.typing}; ${r.reasons.map((x) => x.code)})`,
      );
      out.push(r);
    }
    return out;
  };

  (CMU ? it : it.skip)(
    'challenges every takeover on a new phone of an account that never typed on one, whatever the rhythm',
    async () => {
      const owner = readCmuReps().get('s002')!;
      const user = 'ken@example.jp';
      await laptopLogins(user, owner, 0, 6);
      const outcomes = await takeovers(user, 'laptop-only account');
      for (const r of outcomes) {
        expect(r.decision).toBe('challenge');
        expect(r.reasons.find((x) => x.code === 'NEW_DEVICE')?.detail).toMatch(/nor typed on a touch keyboard/);
      }
      // the owner's own first phone login is the same situation, and is challenged the same way
      const own = await risk(
        await phoneLogin(phone(env, a.publishableKey, APP, 'iPhone15,2', 'ken-idfv'), owner[6]),
        user,
      );
      expect(own.body.decision).toBe('challenge');
      expect(own.body.reasons.map((x: { code: string }) => x.code)).toContain('NEW_DEVICE');
    },
  );

  // After the owner's history above (hana has a trusted phone and a touch-keyboard profile): the
  // rhythm is what can tell the thief on a new phone from the owner on a new phone. Press times alone
  // separate people as well as a laptop's keys here (bench/mobile-typing.ts: 85 % of phone takeovers
  // challenged over all CMU pairs, 84 % with held-out thieves; docs/mobile.md), not always: s003 and
  // s011 type close enough to s002 on a touch keyboard to pass on typing, the new device alone is 25.
  (CMU ? it : it.skip)("challenges takeovers on new phones with other people's rhythm (phone history)", async () => {
    const outcomes = await takeovers('hana@example.jp', 'phone-history account');
    for (const r of outcomes) expect(r.reasons.map((x) => x.code)).toContain('NEW_DEVICE');
    expect(outcomes.filter((r) => r.decision === 'challenge' || r.decision === 'deny').length).toBeGreaterThanOrEqual(
      3,
    );
  });
});
