// The account's life beyond the login on the real api, worker, PostgreSQL and Redis: every event,
// its validation, its stored record, its reasons (registration farms, takeover cash-out), its own
// thresholds, and tenants apart.
import type { SignalBundle } from '@kizuki/contract';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { KizukiClient } from '../../libs/client/src';
import { humanBundle, makePerson } from '../../libs/scoring/src/testing/scenario';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(120_000);

const ORIGIN = KizukiEnv.ORIGIN;
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };
type Risk = { status: number; body: any };

describe('events (real api, worker, PostgreSQL, Redis)', () => {
  const env = new KizukiEnv();
  let t: Tenant;
  let other: Tenant;

  beforeAll(async () => {
    await env.start();
    t = await env.createTenant('Events');
    other = await env.createTenant('Events other');
  });
  afterAll(() => env.stop());

  const call = async (
    tenant: Tenant,
    body: Record<string, unknown>,
    bundle: SignalBundle | null,
    o: { ip?: string } = {},
  ): Promise<Risk> => {
    let requestToken: string | undefined;
    if (bundle) {
      const c = await env.post('/v1/collect', bundle, { 'x-kizuki-key': tenant.publishableKey, origin: ORIGIN });
      expect(c.status).toBe(202);
      requestToken = c.body.requestToken;
    }
    return env.post(
      '/v1/risk',
      {
        status: 'succeeded',
        requestToken,
        context: { ip: o.ip ?? '203.0.113.10', userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP,ja;q=0.9' },
        ...body,
      },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
  };
  const ok = async (r: Promise<Risk>) => {
    const x = await r;
    expect(x.status).toBe(200);
    return x;
  };
  const codes = (r: Risk) => r.body.reasons.map((x: { code: string }) => x.code) as string[];
  const stored = async (id: string) =>
    (
      await env.sql<{ event: string; changes: string[] | null }>(
        `SELECT event, changes FROM assessments WHERE id = $1`,
        [id],
      )
    )[0];

  it('refuses what an event does not take, with 400 and the field named', async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const r = await call(t, { user: { id: 'v@example.jp' }, event: 'login', ...body }, null);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(r.body.error.details)).toContain(path);
    };
    await bad({ event: 'logout' }, 'event');
    await bad({ event: 'profile_update' }, 'event');
    await bad({ event: 'login', changes: ['email'] }, 'event');
    await bad({ event: 'profile_update', changes: [] }, 'changes');
    await bad({ event: 'profile_update', changes: ['email', 'email'] }, 'changes');
    await bad({ event: 'profile_update', changes: ['name'] }, 'changes');
    await bad({ event: 'profile_update', changes: ['email', 'phone', 'password', 'mfa', 'address', 'x'] }, 'changes');
    await bad({ event: 'registration', user: { id: 'v', emailDomain: 'v@example.jp' } }, 'user.emailDomain');
    await bad({ event: 'registration', user: { id: 'v', emailDomain: 'x'.repeat(300) + '.jp' } }, 'user.emailDomain');
  });

  it('scores each event and stores it on the assessment (with what a profile update changed)', async () => {
    const events = ['registration', 'login', 'password_reset_request', 'password_reset'] as const;
    for (const [i, event] of events.entries()) {
      const r = await ok(
        call(t, { event, user: { id: 'mio@example.jp', emailDomain: 'Example.JP' } }, makeBundle({ seed: 10 + i })),
      );
      expect(r.body.decision).toBe('allow');
      expect(await stored(r.body.id)).toEqual({ event, changes: null });
    }
    const p = await ok(
      call(
        t,
        { event: 'profile_update', changes: ['address', 'phone'], user: { id: 'mio@example.jp' } },
        makeBundle({ seed: 20 }),
      ),
    );
    expect(await stored(p.body.id)).toEqual({ event: 'profile_update', changes: ['address', 'phone'] });
    // the same device all along: known to the account since its registration, never NEW_DEVICE
    expect(codes(p)).toContain('KNOWN_DEVICE');
    const got = await env.get(`/v1/assessments/${p.body.id}`, { authorization: `Bearer ${t.secretKey}` });
    expect(got.body.id).toBe(p.body.id);
  });

  it('flags a signup farm (DEVICE_MANY_ACCOUNTS from the 4th account, DISPOSABLE_EMAIL, SIGNUP_VELOCITY)', async () => {
    const results: Risk[] = [];
    for (let i = 0; i < 5; i++) {
      // one device, a new proxy each time, disposable mail
      const b = makeBundle({ visitorId: 'farm-device-01', storageId: null, seed: 100 + i });
      results.push(
        await ok(
          call(
            t,
            { event: 'registration', user: { id: `farm${i}@mailinator.com`, emailDomain: 'mailinator.com' } },
            b,
            { ip: `198.51.100.${10 + i}` },
          ),
        ),
      );
    }
    expect(codes(results[0])).toEqual(['DISPOSABLE_EMAIL']);
    expect(results[0].body.decision).toBe('allow');
    expect(codes(results[3])).toEqual(expect.arrayContaining(['DEVICE_MANY_ACCOUNTS', 'DISPOSABLE_EMAIL']));
    expect(results[3].body.decision).toBe('challenge');
    expect(results[4].body.reasons[0]).toEqual({
      code: 'DEVICE_MANY_ACCOUNTS',
      detail: '5 accounts opened from this device in 1 d.',
      detailKey: 'signup.device',
      params: { accounts: 5, window: { key: 'duration.days', params: { n: 1 } } },
    });
    // many sign-ups from one IP, each from its own device
    let last: Risk | null = null;
    for (let i = 0; i < 6; i++)
      last = await ok(
        call(
          t,
          { event: 'registration', user: { id: `nat${i}@example.jp` } },
          makeBundle({ visitorId: `nat-${i}-abcdef`, seed: 200 + i }),
          {
            ip: '198.51.100.200',
          },
        ),
      );
    expect(codes(last!)).toContain('SIGNUP_VELOCITY');
    expect(last!.body.reasons.find((r: { code: string }) => r.code === 'SIGNUP_VELOCITY').detail).toBe(
      '6 accounts opened from this IP in 60 min.',
    );
    // the other tenant has seen none of it
    const elsewhere = await ok(
      call(
        other,
        { event: 'registration', user: { id: 'farm9@example.jp' } },
        makeBundle({ visitorId: 'farm-device-01', storageId: null, seed: 300 }),
        { ip: '198.51.100.200' },
      ),
    );
    expect(codes(elsewhere)).toEqual([]);
    expect(elsewhere.body.decision).toBe('allow');
  });

  it('takes only the e-mail domain through @kizuki/client, never the address', async () => {
    const sent: string[] = [];
    const client = new KizukiClient({
      endpoint: env.baseUrl,
      secretKey: t.secretKey,
      fetch: (url, init) => (sent.push(String(init?.body)), fetch(url, init)),
    });
    const r = await client.risk({
      event: 'registration',
      status: 'succeeded',
      user: { id: 'user-8812', email: 'Aki.Tanaka@Mailinator.com' },
      context: { ip: '192.0.2.44' },
    });
    expect(r.reasons.map((x) => x.code)).toContain('DISPOSABLE_EMAIL');
    expect(sent.join()).toContain('"emailDomain":"mailinator.com"');
    expect(sent.join().toLowerCase()).not.toContain('aki.tanaka');
  });

  it("refuses a token collected on another event's form (TOKEN_INVALID), and takes it for its own", async () => {
    const b = makeBundle({ visitorId: 'form-event-01', seed: 450 });
    b.page.event = 'login';
    const c = await env.post('/v1/collect', b, { 'x-kizuki-key': t.publishableKey, origin: ORIGIN });
    const risk = (event: string) =>
      env.post(
        '/v1/risk',
        {
          event,
          status: 'succeeded',
          requestToken: c.body.requestToken,
          user: { id: 'kai@example.jp' },
          context: { ip: '192.0.2.45' },
        },
        { authorization: `Bearer ${t.secretKey}` },
      );
    const wrong = await risk('registration');
    expect(wrong.body.reasons[0]).toEqual({
      code: 'TOKEN_INVALID',
      detail: 'The request token was collected on a login form, not for registration.',
      detailKey: 'token.otherForm',
      params: { form: { key: 'event.login' }, event: { key: 'event.registration' } },
    });
    expect(wrong.body.device).toBeNull();
    const right = await risk('login');
    expect(codes(right)).not.toContain('TOKEN_INVALID');
    expect(right.body.device).not.toBeNull();
    const bad = await env.post(
      '/v1/collect',
      { ...b, page: { ...b.page, event: 'logout' } },
      {
        'x-kizuki-key': t.publishableKey,
        origin: ORIGIN,
      },
    );
    expect(bad.status).toBe(400);
  });

  it('says FORM_FILLED for a registration form nobody typed into', async () => {
    const b = makeBundle({ visitorId: 'filled-form-01', seed: 400 });
    b.typing.fields = b.typing.fields.map((f) => ({ ...f, keys: [], pasted: true, inputEvents: 1 }));
    b.pointer = { ...b.pointer, eventCount: 0, moves: [], clicks: [], start: null, type: 'none' };
    const r = await ok(call(t, { event: 'registration', user: { id: 'filled@example.jp' } }, b));
    expect(codes(r)).toContain('FORM_FILLED');
  });

  it('scores an e-mail change soon after a login from a new device above either alone (TAKEOVER_CASHOUT)', async () => {
    const owner = makePerson(5);
    const intruder = makePerson(6);
    const user = { id: 'ren@example.jp' };
    for (let i = 0; i < 3; i++)
      expect((await ok(call(t, { event: 'login', user }, humanBundle(owner, 'ren-laptop-01', i)))).body.decision).toBe(
        'allow',
      );
    // the owner changes the address on the own laptop: nothing to say
    const own = await ok(
      call(t, { event: 'profile_update', changes: ['email'], user }, humanBundle(owner, 'ren-laptop-01', 9)),
    );
    expect(codes(own)).not.toContain('TAKEOVER_CASHOUT');
    expect(own.body.decision).toBe('allow');
    // an e-mail change from a new device with no login before it
    const changeAlone = await ok(
      call(t, { event: 'profile_update', changes: ['email'], user }, humanBundle(intruder, 'unknown-tab-01', 1)),
    );
    const login = await ok(call(t, { event: 'login', user }, humanBundle(intruder, 'intruder-pc-01', 2)));
    expect(codes(login)).toContain('NEW_DEVICE');
    const cashout = await ok(
      call(t, { event: 'profile_update', changes: ['email', 'mfa'], user }, humanBundle(intruder, 'intruder-pc-01', 3)),
    );
    expect(codes(cashout)).toContain('TAKEOVER_CASHOUT');
    expect(cashout.body.score).toBeGreaterThan(login.body.score);
    expect(cashout.body.score).toBeGreaterThan(changeAlone.body.score);
    expect(cashout.body.decision).not.toBe('allow');
    // another tenant's user of the same id has no such login
    const elsewhere = await ok(
      call(other, { event: 'profile_update', changes: ['email'], user }, humanBundle(intruder, 'intruder-pc-01', 4)),
    );
    expect(codes(elsewhere)).not.toContain('TAKEOVER_CASHOUT');
  });

  it('decides each event by its own thresholds in the tenant policy', async () => {
    await env.sql(`UPDATE tenants SET policy = $2 WHERE id = $1`, [
      t.tenantId,
      JSON.stringify({ events: { password_reset_request: { challenge: 1, deny: 99 } } }),
    ]);
    const user = { id: 'sora@example.jp' };
    const reset = await ok(
      call(t, { event: 'password_reset_request', user }, makeBundle({ visitorId: 'sora-device-01', seed: 500 })),
    );
    expect(reset.body.score).toBeGreaterThanOrEqual(1);
    expect(reset.body.decision).toBe('challenge');
    const login = await ok(call(t, { event: 'login', user }, makeBundle({ visitorId: 'sora-device-01', seed: 501 })));
    expect(login.body.decision).toBe('allow');
    await env.sql(`UPDATE tenants SET policy = '{}' WHERE id = $1`, [t.tenantId]);
  });

  it('console: filters by event, shows what changed, saves and replays per-event thresholds', async () => {
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    const PASSWORD = 'correct horse battery staple';
    try {
      await createAdmin(db, t.tenantId, 'admin@events.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    const signIn = await fetch(`${env.baseUrl}/admin/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@events.example', password: PASSWORD }),
    });
    const session = {
      cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0],
      'x-csrf-token': ((await signIn.json()) as { csrfToken: string }).csrfToken,
    };
    const admin = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${env.baseUrl}/admin/api${path}`, {
        method,
        headers: { ...session, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text.startsWith('{') ? JSON.parse(text) : text };
    };
    const regs = await admin('GET', '/logins?event=registration&limit=200');
    expect(regs.status).toBe(200);
    expect(regs.body.items.length).toBeGreaterThanOrEqual(12);
    expect(new Set(regs.body.items.map((x: { event: string }) => x.event))).toEqual(new Set(['registration']));
    // this tenant's registrations, all of them, and not the other tenant's
    const ownRegs = await env.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM assessments WHERE tenant_id = $1 AND event = 'registration'`,
      [t.tenantId],
    );
    expect(regs.body.items).toHaveLength(ownRegs[0].n);
    expect((await admin('GET', '/logins?event=logout')).status).toBe(400);
    const updates = await admin('GET', '/logins?event=profile_update&limit=200');
    const withChanges = updates.body.items.find((x: { changes: string[] }) => x.changes.includes('mfa'));
    expect(withChanges.changes).toEqual(['email', 'mfa']);
    const detail = await admin('GET', `/logins/${withChanges.id}`);
    expect(detail.body).toMatchObject({ event: 'profile_update', changes: ['email', 'mfa'] });
    const csv = await admin('GET', '/logins/export.csv?event=profile_update');
    expect(csv.body.split('\n')[0]).toMatch(/,event,changes,user_email,user_name,user_label$/);
    expect(csv.body).toContain(',profile_update,email mfa');

    const current = await admin('GET', '/policy');
    const form = {
      thresholds: current.body.policy.thresholds,
      events: { registration: { challenge: 20, deny: 60 } },
      fallbackDecision: current.body.policy.fallbackDecision,
      shadowMode: false,
      detectors: current.body.policy.detectors,
    };
    const bt = await admin('POST', '/policy/backtest', form);
    expect([bt.status, bt.body.error]).toEqual([200, undefined]);
    expect(bt.body.byEvent.registration.total).toBe(ownRegs[0].n);
    expect(bt.body.byEvent.registration.changed).toBeGreaterThan(0);
    expect(bt.body.byEvent.login.changed).toBe(0);
    const bad = await admin('PUT', '/policy', { ...form, events: { registration: { challenge: 70, deny: 60 } } });
    expect(bad.status).toBe(400);
    expect((await admin('PUT', '/policy', form)).status).toBe(200);
    const saved = await admin('GET', '/policy');
    expect(saved.body.policy.events.registration).toEqual({ challenge: 20, deny: 60 });
    expect(saved.body.policy.events.profile_update).toEqual({ challenge: 35, deny: 80 });
    await env.sql(`UPDATE tenants SET policy = '{}' WHERE id = $1`, [t.tenantId]);
  });
});
