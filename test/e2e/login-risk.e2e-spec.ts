import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(30_000);

const ORIGIN = 'https://shop.example';

describe('login risk path (real PostgreSQL, Redis, BullMQ, api and worker)', () => {
  const env = new KizukiEnv();
  let a: { tenantId: string; publishableKey: string; secretKey: string };
  let b: { tenantId: string; publishableKey: string; secretKey: string };

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('Tenant A', [ORIGIN]);
    b = await env.createTenant('Tenant B', []);
  });
  afterAll(() => env.stop());

  const collect = (bundle = makeBundle(), key = a.publishableKey, origin = ORIGIN) =>
    env.post('/v1/collect', bundle, { 'x-kizuki-key': key, origin });
  const risk = (body: Record<string, unknown>, key = a.secretKey, headers: Record<string, string> = {}) =>
    env.post(
      '/v1/risk',
      {
        event: 'login',
        status: 'succeeded',
        context: { ip: '203.0.113.10', userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP,ja;q=0.9' },
        ...body,
      },
      {
        authorization: `Bearer ${key}`,
        ...headers,
      },
    );

  it('collect → risk → feedback: a new user is allowed, stored once, and learns its device', async () => {
    const c = await collect();
    expect(c.status).toBe(202);
    expect(c.body.requestToken).toMatch(/^rt_/);
    expect(Date.parse(c.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(c.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const r = await risk({ requestToken: c.body.requestToken, user: { id: 'alice@example.com' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ decision: 'allow', degraded: false, device: { status: 'trusted' } });
    expect(r.body.reasons.map((x: { code: string }) => x.code)).toContain('NEW_USER');
    expect(r.body.score).toBeLessThan(40);

    const stored = await env.sql(`SELECT user_hash FROM accounts`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain('alice');
    expect(await env.sql(`SELECT id FROM assessments WHERE id = $1`, [r.body.id])).toHaveLength(1);
    expect(await env.sql(`SELECT id FROM signal_bundles`)).toHaveLength(1);

    // Second login from the same device: known device.
    const c2 = await collect(makeBundle({ seed: 2 }));
    const r2 = await risk({ requestToken: c2.body.requestToken, user: { id: 'alice@example.com' } });
    expect(r2.body.reasons.map((x: { code: string }) => x.code)).toEqual(expect.arrayContaining(['KNOWN_DEVICE']));
    expect(r2.body.reasons.map((x: { code: string }) => x.code)).not.toContain('NEW_USER');

    const f = await env.post(
      '/v1/feedback',
      { assessmentId: r2.body.id, label: 'fraud' },
      { authorization: `Bearer ${a.secretKey}` },
    );
    expect(f.status).toBe(200);
    await until(async () => (await env.sql<{ status: string }>(`SELECT status FROM devices`))[0]?.status === 'fraud');
    const g = await env.get(`/v1/assessments/${r2.body.id}`, { authorization: `Bearer ${a.secretKey}` });
    expect(g.body).toMatchObject({ id: r2.body.id, label: 'fraud' });
  });

  it('a retried risk call gives the same assessment, stored once', async () => {
    const c = await collect(makeBundle({ visitorId: 'visitor-retry-0001' }));
    const body = { requestToken: c.body.requestToken, user: { id: 'bob' } };
    const [r1, r2] = await Promise.all([risk(body), risk(body)]);
    const r3 = await risk(body);
    expect(r1.body.id).toBe(r2.body.id);
    expect(r3.body).toEqual(r1.body);
    expect(await env.sql(`SELECT id FROM assessments WHERE id = $1`, [r1.body.id])).toHaveLength(1);
  });

  it('a risk call that arrives before its bundle was ingested still uses the bundle', async () => {
    await env.killWorker();
    const c = await collect(makeBundle({ visitorId: 'visitor-early-0001' }));
    await env.startWorker();
    // Ingest and score race now; either way the assessment must carry the device.
    const r = await risk({ requestToken: c.body.requestToken, user: { id: 'early' } });
    expect(r.body.device).not.toBeNull();
    expect(r.body.reasons.map((x: { code: string }) => x.code)).not.toContain('NO_BEHAVIOR');
  });

  it('catches a replayed token and a forged one', async () => {
    const c = await collect(makeBundle({ visitorId: 'visitor-replay-01' }));
    const first = await risk({ requestToken: c.body.requestToken, user: { id: 'carol' } });
    expect(first.body.reasons.map((x: { code: string }) => x.code)).not.toContain('TOKEN_REPLAYED');
    const replay = await risk({ requestToken: c.body.requestToken, user: { id: 'mallory-target' } });
    expect(replay.status).toBe(200);
    expect(replay.body.reasons.map((x: { code: string }) => x.code)).toContain('TOKEN_REPLAYED');
    expect(replay.body.decision).toBe('deny');
    expect(replay.body.id).not.toBe(first.body.id);

    const forged = c.body.requestToken.slice(0, -4) + 'AAAA';
    const f = await risk({ requestToken: forged, user: { id: 'carol' } });
    expect(f.body.reasons.map((x: { code: string }) => x.code)).toContain('TOKEN_INVALID');
    expect(f.body.decision).not.toBe('allow');

    // A token issued to tenant A is invalid for tenant B.
    const c2 = await collect(makeBundle({ visitorId: 'visitor-cross-001' }));
    const cross = await risk({ requestToken: c2.body.requestToken, user: { id: 'carol' } }, b.secretKey);
    expect(cross.body.reasons).toEqual(
      expect.arrayContaining([
        {
          code: 'TOKEN_INVALID',
          detail: expect.stringMatching(/another tenant/),
          detailKey: 'token.otherTenant',
          params: {},
        },
      ]),
    );
  });

  it('without a token the login is challenged with TOKEN_MISSING', async () => {
    const r = await risk({ user: { id: 'dave' } });
    expect(r.body.reasons.map((x: { code: string }) => x.code)).toContain('TOKEN_MISSING');
    expect(r.body.decision).toBe('challenge');
  });

  it('escalates repeated failures to BRUTE_FORCE without locking the user out', async () => {
    let last: Awaited<ReturnType<typeof risk>> | undefined;
    for (let i = 0; i < 6; i++)
      last = await risk({ status: 'failed', user: { id: 'erin' } }, a.secretKey, { 'idempotency-key': `erin-${i}` });
    expect(last!.body.reasons.map((x: { code: string }) => x.code)).toContain('BRUTE_FORCE');
    expect(last!.body.decision).toBe('challenge');
  });

  it("keeps tenants apart: B cannot read A's assessment (404, same as unknown)", async () => {
    const r = await risk({ user: { id: 'frank' } });
    const mine = await env.get(`/v1/assessments/${r.body.id}`, { authorization: `Bearer ${a.secretKey}` });
    expect(mine.status).toBe(200);
    const theirs = await env.get(`/v1/assessments/${r.body.id}`, { authorization: `Bearer ${b.secretKey}` });
    const unknown = await env.get(`/v1/assessments/00000000-0000-4000-8000-000000000000`, {
      authorization: `Bearer ${b.secretKey}`,
    });
    expect(theirs).toEqual(unknown);
    expect(theirs.status).toBe(404);
    const fb = await env.post(
      '/v1/feedback',
      { assessmentId: r.body.id, label: 'legit' },
      { authorization: `Bearer ${b.secretKey}` },
    );
    expect(fb.status).toBe(404);
  });

  it('answers 401 for a missing or wrong key, and refuses a publishable key where a secret one is needed', async () => {
    const none = await env.post('/v1/risk', {
      event: 'login',
      status: 'failed',
      user: { id: 'x' },
      context: { ip: '1.2.3.4' },
    });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    // Change the key's last character (to one it is not already).
    const tampered = a.secretKey.slice(0, -1) + (a.secretKey.endsWith('x') ? 'y' : 'x');
    expect((await risk({ user: { id: 'x' } }, tampered)).status).toBe(401);
    expect((await risk({ user: { id: 'x' } }, a.publishableKey)).status).toBe(401);
    expect((await collect(makeBundle(), a.secretKey)).status).toBe(401);
  });

  it('refuses collect from an origin the tenant did not register', async () => {
    const r = await collect(makeBundle(), a.publishableKey, 'https://evil.example');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  it('answers bad input with clear 4xx JSON errors, never 500', async () => {
    const auth = { authorization: `Bearer ${a.secretKey}` };
    const badJson = await env.post('/v1/risk', '{"event":', auth);
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('INVALID_JSON');

    const unknown = await risk({ user: { id: 'x' }, extra: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.arrayContaining([expect.objectContaining({ path: 'extra' })]),
    });

    const badIp = await risk({ user: { id: 'x' }, context: { ip: 'not-an-ip' } });
    expect(badIp.status).toBe(400);
    // an IPv6 zone passes isIP but not PostgreSQL's inet: refused here, not answered and then lost
    const zoned = await risk({
      event: 'login',
      status: 'attempted',
      user: { id: 'x' },
      context: { ip: 'fe80::1%eth0' },
    });
    expect(zoned.status).toBe(400);
    expect(zoned.body.error.details).toEqual([expect.objectContaining({ path: 'context.ip' })]);

    const huge = makeBundle() as any;
    huge.pointer.moves = Array.from({ length: 30_000 }, () => 123456);
    const big = await collect(huge);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const tooManyKeys = makeBundle() as any;
    tooManyKeys.typing.fields[1].keys = Array.from({ length: 300 }, (_, i) => ({ d: i, u: i + 1, c: 'char' }));
    expect((await collect(tooManyKeys)).status).toBe(400);

    const nan = makeBundle() as any;
    nan.page.loadToSubmitMs = 'NaN';
    expect((await collect(nan)).status).toBe(400);

    const proto = await env.post('/v1/risk', '{"event":"login","__proto__":{"x":1}}', auth);
    expect(proto.status).toBe(400);

    const text = await fetch(env.baseUrl + '/v1/risk', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('reports readiness of PostgreSQL and Redis', async () => {
    const r = await env.get('/health/ready');
    expect(r).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: {
          postgres: expect.objectContaining({ status: 'up' }),
          redis: expect.objectContaining({ status: 'up' }),
        },
      },
    });
  });

  it('with the worker stopped, answers the fallback decision (challenge), degraded, within the bound', async () => {
    await env.killWorker();
    try {
      const r = await risk({ user: { id: 'grace' } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ decision: 'challenge', degraded: true });
      expect(r.ms).toBeLessThan(env.config.RISK_TIMEOUT_MS + 400);
      expect(r.ms).toBeGreaterThanOrEqual(env.config.RISK_TIMEOUT_MS - 50);
      // The login is not lost: when the worker returns, it is scored under the same id.
      await env.startWorker();
      await until(async () => (await env.sql(`SELECT id FROM assessments WHERE id = $1`, [r.body.id])).length === 1);
    } finally {
      await env.startWorker();
    }
  });
});
