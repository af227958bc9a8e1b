import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/app.factory';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { createDataSource } from '@kizuki/database';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(120_000);

const ORIGIN = 'https://shop.example';
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };

function riskBody(user: string, requestToken?: string) {
  return {
    ...(requestToken ? { requestToken } : {}),
    event: 'login',
    status: 'attempted',
    user: { id: user },
    context: { ip: '203.0.113.5', userAgent: 'Mozilla/5.0' },
  };
}

describe('security: rate limits, headers, origins, client IP, keys, audit, privacy', () => {
  // Small limits so the test reaches them; the window is long enough not to roll over mid-test.
  const env = new KizukiEnv({ RATE_LIMIT_PER_KEY: '40', RATE_LIMIT_PER_IP: '25', RATE_LIMIT_WINDOW_SECONDS: '120' });
  let t: Tenant;
  let other: Tenant;
  let second: NestFastifyApplication | null = null;

  beforeAll(async () => {
    await env.start();
    t = await env.createTenant('Shop', [ORIGIN]);
    other = await env.createTenant('Other', [ORIGIN]);
  });
  afterAll(async () => {
    await second?.close();
    await env.stop();
  });

  it(
    'limits calls per API key across api processes (counters in Redis): 429 with Retry-After, ' +
      'other keys unaffected',
    async () => {
      // a second api process on the same Redis and database shares the counters
      second = await createApiApp(env.config, { logger: false });
      await second.listen(0, '127.0.0.1');
      const secondUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
      const statuses: number[] = [];
      let limited: Response | null = null;
      for (let i = 0; i < 45 && !limited; i++) {
        const res = await fetch(
          `${i % 2 ? secondUrl : env.baseUrl}/v1/assessments/00000000-0000-4000-8000-000000000000`,
          { headers: { authorization: `Bearer ${t.secretKey}` } },
        );
        statuses.push(res.status);
        if (res.status === 429) limited = res;
        else await res.text();
      }
      expect(statuses.filter((s) => s === 404)).toHaveLength(40);
      expect(limited).not.toBeNull();
      const retryAfter = Number(limited!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(120);
      expect(((await limited!.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      // the risk call of the same key is limited too; another tenant's key is not
      expect((await env.post('/v1/risk', riskBody('x'), { authorization: `Bearer ${t.secretKey}` })).status).toBe(429);
      expect((await env.post('/v1/risk', riskBody('x'), { authorization: `Bearer ${other.secretKey}` })).status).toBe(
        200,
      );
    },
  );

  it('sets security headers on every response; the console keeps its strict CSP', async () => {
    for (const path of ['/health', '/v1/assessments/nope', '/no-such-route']) {
      const res = await fetch(env.baseUrl + path, { headers: { authorization: `Bearer ${other.secretKey}` } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP, no trusted proxy
    }
    const api = await fetch(env.baseUrl + '/v1/assessments/nope', {
      headers: { authorization: `Bearer ${other.secretKey}` },
    });
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    const console = await fetch(env.baseUrl + '/console/');
    if (console.status === 200) {
      const csp = console.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it("publishable keys work only from the tenant's origins (CORS per tenant)", async () => {
    const ok = await env.post('/v1/collect', makeBundle({ seed: 300 }), {
      'x-kizuki-key': t.publishableKey,
      origin: ORIGIN,
    });
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'null']) {
      const r = await env.post('/v1/collect', makeBundle({ seed: 301 }), { 'x-kizuki-key': t.publishableKey, origin });
      expect(r.status).toBe(403);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
    const none = await env.post('/v1/collect', makeBundle({ seed: 302 }), { 'x-kizuki-key': t.publishableKey });
    expect(none.status).toBe(403);
    // a secret key is not a publishable key, and vice versa
    expect(
      (await env.post('/v1/collect', makeBundle({ seed: 303 }), { 'x-kizuki-key': t.secretKey, origin: ORIGIN }))
        .status,
    ).toBe(401);
    expect((await env.post('/v1/risk', riskBody('x'), { authorization: `Bearer ${t.publishableKey}` })).status).toBe(
      401,
    );
  });

  it('limits /v1/collect per client IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 27; i++) {
      const r = await env.post('/v1/collect', makeBundle({ seed: i + 1 }), {
        'x-kizuki-key': other.publishableKey,
        origin: ORIGIN,
      });
      statuses.push(r.status);
    }
    // the earlier tests' collects from this IP count too: 202s, then only 429s, 25 in all per window
    const first429 = statuses.indexOf(429);
    expect(first429).toBeGreaterThan(15);
    expect(statuses.slice(0, first429).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
  });

  it('the risk answer has the same shape for known and unknown users', async () => {
    const key = { authorization: `Bearer ${other.secretKey}` };
    const first = await env.post('/v1/risk', { ...riskBody('known@example.jp'), status: 'succeeded' }, key);
    expect(first.status).toBe(200);
    const known = await env.post('/v1/risk', riskBody('known@example.jp'), key);
    const unknown = await env.post('/v1/risk', riskBody(`unknown-${Date.now()}@example.jp`), key);
    const shape = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v)
              .map(([k, x]) => [k, shape(x)])
              .sort(),
          )
        : Array.isArray(v)
          ? 'array'
          : typeof v;
    expect(shape(known.body)).toEqual(shape(unknown.body));
    expect(known.status).toBe(unknown.status);
  });

  describe('key rotation and revocation', () => {
    let cookie = '';
    let csrf = '';
    beforeAll(async () => {
      const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
      await db.initialize();
      await createAdmin(db, other.tenantId, 'admin@other.example', 'admin', 'correct horse battery staple').finally(
        () => db.destroy(),
      );
      const res = await fetch(env.baseUrl + '/admin/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@other.example', password: 'correct horse battery staple' }),
      });
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
      csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    });
    const admin = (path: string, body?: unknown) =>
      fetch(env.baseUrl + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          cookie,
          'x-csrf-token': csrf,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const useKey = (key: string) =>
      env.post('/v1/risk', riskBody('rotation@example.jp'), { authorization: `Bearer ${key}` }).then((r) => r.status);

    it(
      'a rotated key keeps working until its expiry, the new one at once; ' +
        'a revoked key stops within the cache freshness window',
      async () => {
        const keys = await admin('/admin/api/keys');
        const secret = keys.body.items.find((k: { kind: string; active: boolean }) => k.kind === 'secret' && k.active);
        expect(await useKey(other.secretKey)).toBe(200);
        const rotated = await admin(`/admin/api/keys/${secret.id}/rotate`, { overlapHours: 1 });
        expect(rotated.status).toBe(201);
        const newKey: string = rotated.body.key ?? rotated.body.secret ?? rotated.body.value;
        expect(newKey).toMatch(/^sk_live_/);
        expect(await useKey(newKey)).toBe(200);
        expect(await useKey(other.secretKey)).toBe(200); // overlap
        const realNow = Date.now;
        try {
          // after the cache refreshed (30 s) the old key is still good within its overlap …
          const t0 = realNow();
          Date.now = () => t0 + 31_000;
          expect(await useKey(other.secretKey)).toBe(200);
          // … and refused once the overlap is over, even from the cache
          Date.now = () => t0 + 3_601_000 + 1_000;
          expect(await useKey(other.secretKey)).toBe(401);
        } finally {
          Date.now = realNow;
        }
        // revocation: at once on a process that has not cached the key, within 30 s on one that has
        const list = await admin('/admin/api/keys');
        const current = list.body.items.find((k: { prefix: string }) => newKey.startsWith(k.prefix));
        expect((await admin(`/admin/api/keys/${current.id}/revoke`, {})).status).toBe(200);
        const fresh = await createApiApp(env.config, { logger: false });
        await fresh.listen(0, '127.0.0.1');
        try {
          const url = (await fresh.getUrl()).replace('[::1]', '127.0.0.1');
          const r = await fetch(`${url}/v1/risk`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${newKey}` },
            body: JSON.stringify(riskBody('x')),
          });
          expect(r.status).toBe(401);
        } finally {
          await fresh.close();
        }
        const t1 = realNow();
        try {
          Date.now = () => t1 + 31_000;
          expect(await useKey(newKey)).toBe(401);
        } finally {
          Date.now = realNow;
        }
      },
    );
  });

  it(
    'DELETE /v1/users/:id and GET /v1/users/:id/export are in the audit log, ' +
      'with the key prefix as actor and no user id',
    async () => {
      const key = { authorization: `Bearer ${t.secretKey}` };
      await env.sql(`SELECT 1`);
      // the per-key limit of the first test is used up for t: use a fresh tenant
      const u = await env.createTenant('Audited', [ORIGIN]);
      const auth = { authorization: `Bearer ${u.secretKey}` };
      expect(
        (await env.post('/v1/risk', { ...riskBody('hanako.yamada@example.jp'), status: 'succeeded' }, auth)).status,
      ).toBe(200);
      const exp = await env.get(`/v1/users/${encodeURIComponent('hanako.yamada@example.jp')}/export`, auth);
      expect(exp.status).toBe(200);
      const del = await fetch(`${env.baseUrl}/v1/users/${encodeURIComponent('hanako.yamada@example.jp')}`, {
        method: 'DELETE',
        headers: auth,
      });
      expect(del.status).toBe(200);
      const rows = await env.sql<{ actor: string; action: string; target_type: string; row: string }>(
        `SELECT actor, action, target_type, a::text AS row FROM audit_log a WHERE tenant_id = $1 ORDER BY created_at`,
        [u.tenantId],
      );
      expect(rows.map((r) => r.action)).toEqual(['user.export', 'user.erase']);
      const prefix = u.secretKey.split('_').slice(0, 3).join('_');
      expect(rows.every((r) => r.actor === prefix && r.target_type === 'account')).toBe(true);
      expect(rows.some((r) => /hanako/i.test(r.row))).toBe(false);
      expect(key).toBeDefined();
    },
  );

  it('stores no end-user e-mail or name anywhere: every table is grepped', async () => {
    const u = await env.createTenant('Grep', [ORIGIN]);
    const c = await env.post('/v1/collect', makeBundle({ seed: 900 }), {
      'x-kizuki-key': u.publishableKey,
      origin: ORIGIN,
    });
    const r = await env.post(
      '/v1/risk',
      {
        ...riskBody('taro.suzuki@example.jp', c.status === 202 ? c.body.requestToken : undefined),
        status: 'succeeded',
      },
      { authorization: `Bearer ${u.secretKey}` },
    );
    expect(r.status).toBe(200);
    await env.post(
      '/v1/feedback',
      { assessmentId: r.body.id, label: 'legit' },
      { authorization: `Bearer ${u.secretKey}` },
    );
    await until(async () => (await env.sql(`SELECT 1 FROM assessments WHERE id = $1`, [r.body.id])).length === 1);
    const tables = await env.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const hits: string[] = [];
    for (const { table_name } of tables) {
      const [row] = await env.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table_name}" x WHERE x::text ILIKE '%taro%' OR x::text ILIKE '%suzuki%'`,
      );
      if (row.n) hits.push(table_name);
    }
    expect(hits).toEqual([]);
  });

  describe('client IP of /v1/collect', () => {
    const bundleIp = async (e: KizukiEnv, token: string): Promise<string | null> => {
      const [, payload] = token.slice(3).split('.');
      void payload;
      let ip: string | null = null;
      await until(async () => {
        const rows = await e.sql<{ ip: string | null }>(
          `SELECT host(ip) AS ip FROM signal_bundles ORDER BY received_at DESC LIMIT 1`,
        );
        ip = rows[0]?.ip ?? null;
        return rows.length > 0;
      });
      return ip;
    };

    it('is the socket address: a forged X-Forwarded-For changes nothing without TRUSTED_PROXIES', async () => {
      const e = new KizukiEnv();
      await e.start();
      try {
        const k = await e.createTenant('IP', [ORIGIN]);
        const r = await e.post('/v1/collect', makeBundle({ seed: 1 }), {
          'x-kizuki-key': k.publishableKey,
          origin: ORIGIN,
          'x-forwarded-for': '6.6.6.6',
        });
        expect(r.status).toBe(202);
        expect(await bundleIp(e, r.body.requestToken)).toBe('127.0.0.1');
      } finally {
        await e.stop();
      }
    });

    it('is the forwarded client behind a trusted proxy, and HSTS is sent when the proxy says TLS', async () => {
      const e = new KizukiEnv({ TRUSTED_PROXIES: '127.0.0.1' });
      await e.start();
      try {
        const k = await e.createTenant('IP', [ORIGIN]);
        const r = await e.post('/v1/collect', makeBundle({ seed: 2 }), {
          'x-kizuki-key': k.publishableKey,
          origin: ORIGIN,
          'x-forwarded-for': '6.6.6.6, 198.51.100.23',
          'x-forwarded-proto': 'https',
        });
        expect(r.status).toBe(202);
        expect(r.headers.get('strict-transport-security')).toContain('max-age=');
        // the right-most untrusted hop, not the forged left-most one
        expect(await bundleIp(e, r.body.requestToken)).toBe('198.51.100.23');
      } finally {
        await e.stop();
      }
    });
  });
});
