// Issue 15, items 1 and 6: one client is one address whatever its spelling (lists, velocity, the
// dashboard, console filters, stored rows), and console input that PostgreSQL would refuse is a 400.
import IORedis from 'ioredis';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(90_000);

const ORIGIN = 'https://shop.example';
const PASSWORD = 'correct horse battery staple';
type Session = { cookie: string; csrf: string };

describe('IP addresses: one client, one address; console input refused with 400, never 500', () => {
  const env = new KizukiEnv();
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };
  let admin: Session;
  let seed = 100;

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function login(user: string, ip: string) {
    seed++;
    const c = await env.post('/v1/collect', makeBundle({ seed, visitorId: `visitor-${seed}` }), {
      'x-kizuki-key': tenant.publishableKey,
      origin: ORIGIN,
    });
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status: 'failed',
        user: { id: user },
        context: { ip, userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP' },
      },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
    expect(r.status).toBe(200);
    return r.body as { id: string; decision: string; reasons: { code: string }[] };
  }

  const stored = (id: string) =>
    until(
      async () => (await env.sql<{ ip: string }>(`SELECT host(ip) AS ip FROM assessments WHERE id = $1`, [id]))[0],
      20_000,
      `assessment ${id} stored`,
    );

  beforeAll(async () => {
    await env.start();
    tenant = await env.createTenant('Shop', [ORIGIN]);
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, tenant.tenantId, 'admin@shop.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    const r = await env.post('/admin/api/auth/login', { email: 'admin@shop.example', password: PASSWORD });
    admin = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: r.body.csrfToken };
  });
  afterAll(() => env.stop());

  it('a deny-listed address matches its client in every spelling (IPv4-mapped, uncompressed IPv6, CIDR)', async () => {
    for (const [kind, value] of [
      ['ip', '203.0.113.50'],
      ['ip', '2001:4860::8888'],
      ['cidr', '198.18.0.0/15'],
    ]) {
      expect((await call('POST', '/admin/api/lists', { list: 'deny', kind, value })).status).toBe(201);
    }
    for (const ip of [
      '::ffff:203.0.113.50',
      '2001:4860:0:0:0:0:0:8888',
      '2001:4860:0000::8888',
      '::ffff:198.19.1.1',
      '0:0:0:0:0:FFFF:C612:0101',
    ]) {
      const r = await login(`victim-${ip}@shop.example`, ip);
      expect([ip, r.decision, r.reasons.map((x) => x.code)]).toEqual([
        ip,
        'deny',
        expect.arrayContaining(['DENYLISTED']),
      ]);
    }
    expect((await login('bystander@shop.example', '::ffff:203.0.113.51')).decision).not.toBe('deny');
  });

  it('a list entry written in another spelling is stored canonical, and matches', async () => {
    const add = await call('POST', '/admin/api/lists', { list: 'deny', kind: 'ip', value: '2001:DB8:0:0:0:0:0:99' });
    expect([add.status, add.body.value]).toEqual([201, '2001:db8::99']);
    const block = await call('POST', '/admin/api/lists', {
      list: 'deny',
      kind: 'cidr',
      value: '::ffff:100.64.7.0/120',
    });
    expect([block.status, block.body.value]).toEqual([201, '100.64.7.0/24']);
    expect((await login('v6@shop.example', '2001:db8::99')).decision).toBe('deny');
    expect((await login('v4@shop.example', '100.64.7.200')).decision).toBe('deny');
    // an IPv6 block with host bits would have broken every score of the tenant (cidr refuses it)
    const bad = await call('POST', '/admin/api/lists', { list: 'deny', kind: 'cidr', value: '2001:db8:1::1/64' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it(
    '127.0.0.1 and ::ffff:127.0.0.1 are one client: one stored address, one dashboard row, ' +
      'one set of velocity counters',
    async () => {
      const a = await login('alice@shop.example', '127.0.0.1');
      const b = await login('bob@shop.example', '::ffff:127.0.0.1');
      expect(await stored(a.id)).toEqual({ ip: '127.0.0.1' });
      expect(await stored(b.id)).toEqual({ ip: '127.0.0.1' });

      const ips = await call('GET', '/admin/api/ips?range=24h');
      const loopback = (ips.body.items as { ip: string; users: number }[]).filter((r) => r.ip.endsWith('127.0.0.1'));
      expect(loopback).toEqual([expect.objectContaining({ ip: '127.0.0.1', users: 2 })]);
      const dashboard = await call('GET', '/admin/api/dashboard?range=24h');
      expect(
        (dashboard.body.ips as { key: string }[]).filter((r) => r.key.endsWith('127.0.0.1')).map((r) => r.key),
      ).toEqual(['127.0.0.1']);

      const redis = new IORedis(env.config.REDIS_URL);
      try {
        const keys = await redis.keys(`${env.config.KIZUKI_REDIS_PREFIX}:vel:${tenant.tenantId}:ipa:*127.0.0.1`);
        expect(keys).toEqual([`${env.config.KIZUKI_REDIS_PREFIX}:vel:${tenant.tenantId}:ipa:127.0.0.1`]);
        expect(await redis.zcard(keys[0])).toBe(2);
      } finally {
        redis.disconnect();
      }
    },
  );

  it(
    'the console filter ?ip= finds a login in any spelling of its address or block, ' +
      'and refuses a malformed one with 400',
    async () => {
      const r = await login('carol@shop.example', '192.0.2.200');
      await stored(r.id);
      for (const ip of ['192.0.2.200', '::ffff:192.0.2.200', '::ffff:192.0.2.0/120', '192.0.2.0/24']) {
        const page = await call('GET', `/admin/api/logins?ip=${encodeURIComponent(ip)}`);
        expect([ip, page.status, (page.body.items as { id: string }[]).map((x) => x.id)]).toEqual([ip, 200, [r.id]]);
      }
      for (const ip of ['1.2.3.4/24/1', '1.2.3.4/33', 'fe80::1%eth0', '1.2.3.4/', '01.2.3.4']) {
        const page = await call('GET', `/admin/api/logins?ip=${encodeURIComponent(ip)}`);
        expect([ip, page.status, page.body.error?.code]).toEqual([ip, 400, 'VALIDATION_FAILED']);
      }
    },
  );

  it.each(['/admin/api/logins', '/admin/api/audit', '/admin/api/webhooks/deliveries'])(
    '%s: a cursor with an instant PostgreSQL would refuse is a 400',
    async (path) => {
      const id = '0b7e7c1e-2f6a-4c43-9b1e-3f0a8d1c2e4f';
      for (const at of ['99999', '2024-02-30', 'March 7', '2024-02-30T10:00:00Z', '+275760-09-13T00:00:00.000Z']) {
        const cursor = Buffer.from(`${at}|${id}`).toString('base64url');
        const page = await call('GET', `${path}?cursor=${cursor}`);
        expect([at, page.status, page.body.error?.code]).toEqual([at, 400, 'VALIDATION_FAILED']);
      }
      // a cursor the api wrote still pages
      const good = Buffer.from(`2026-12-04T13:45:01.123456Z|${id}`).toString('base64url');
      expect((await call('GET', `${path}?cursor=${good}`)).status).toBe(200);
    },
  );
});
