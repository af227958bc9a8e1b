import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(60_000);

const ORIGIN = 'https://shop.example';
const PASSWORD = 'correct horse battery staple';
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };
type Session = { cookie: string; csrf: string };

describe('admin console API: roles, tenant isolation, labels, lists, policy, keys', () => {
  const env = new KizukiEnv();
  let a: Tenant;
  let b: Tenant;
  const s: Record<string, Session> = {};
  let aLogins: string[] = [];
  let bLogin: string;

  async function call(method: string, path: string, who?: Session, body?: unknown, csrf = true) {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(who ? { cookie: who.cookie, ...(csrf ? { 'x-csrf-token': who.csrf } : {}) } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: type.includes('json') && text ? JSON.parse(text) : text, headers: res.headers };
  }

  async function signIn(email: string): Promise<Session> {
    const r = await call('POST', '/admin/api/auth/login', undefined, { email, password: PASSWORD });
    expect(r.status).toBe(200);
    return { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: r.body.csrfToken };
  }

  async function login(t: Tenant, user: string, ip: string, seed: number, status = 'succeeded') {
    const c = await env.post('/v1/collect', makeBundle({ seed, visitorId: `visitor-${user}-${seed}` }), {
      'x-kizuki-key': t.publishableKey,
      origin: ORIGIN,
    });
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status,
        user: { id: user },
        context: { ip, userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP' },
      },
      { authorization: `Bearer ${t.secretKey}` },
    );
    expect(r.status).toBe(200);
    return r.body as { id: string; decision: string; reasons: { code: string }[]; device: { id: string } | null };
  }

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('Tenant A', [ORIGIN]);
    b = await env.createTenant('Tenant B', [ORIGIN]);
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      for (const role of ['admin', 'analyst', 'viewer'])
        await createAdmin(db, a.tenantId, `${role}@a.example`, role, PASSWORD);
      await createAdmin(db, b.tenantId, 'admin@b.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    for (const who of ['admin@a.example', 'analyst@a.example', 'viewer@a.example', 'admin@b.example'])
      s[who.split('@')[0] + (who.endsWith('b.example') ? 'B' : '')] = await signIn(who);
    for (let i = 0; i < 4; i++) aLogins.push((await login(a, `user${i}@a.example`, `203.0.113.${10 + i}`, i + 1)).id);
    bLogin = (await login(b, 'secret-user@b.example', '198.51.100.77', 9)).id;
    aLogins = aLogins.reverse();
  });
  afterAll(() => env.stop());

  it("lists this tenant's logins newest first with keyset pages, and never another tenant's", async () => {
    const first = await call('GET', '/admin/api/logins?limit=3', s.admin);
    expect(first.status).toBe(200);
    expect(first.body.items.map((x: { id: string }) => x.id)).toEqual(aLogins.slice(0, 3));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/admin/api/logins?limit=3&cursor=${first.body.nextCursor}`, s.admin);
    expect(second.body.items.map((x: { id: string }) => x.id)).toEqual(aLogins.slice(3));
    expect(second.body.nextCursor).toBeNull();
    const all = await call('GET', '/admin/api/logins?limit=200', s.admin);
    expect(all.body.items.map((x: { id: string }) => x.id)).not.toContain(bLogin);
    // filters: raw user id (pseudonymised by the api), IP, decision
    const byUser = await call('GET', `/admin/api/logins?user=${encodeURIComponent('user2@a.example')}`, s.admin);
    expect(byUser.body.items).toHaveLength(1);
    const byIp = await call('GET', '/admin/api/logins?ip=203.0.113.8/30', s.admin);
    expect(byIp.body.items.map((x: { ip: string }) => x.ip).sort()).toEqual(['203.0.113.10', '203.0.113.11']);
    expect((await call('GET', '/admin/api/logins?ip=nonsense', s.admin)).status).toBe(400);
    // a block with host bits set is still a block (PostgreSQL's cidr refused it: a 500); an IPv6 zone is no address
    const byBlock = await call('GET', '/admin/api/logins?ip=203.0.113.9/30', s.admin);
    expect(byBlock.status).toBe(200);
    expect(byBlock.body.items.map((x: { ip: string }) => x.ip).sort()).toEqual(['203.0.113.10', '203.0.113.11']);
    expect((await call('GET', `/admin/api/logins?ip=${encodeURIComponent('fe80::1%eth0')}`, s.admin)).status).toBe(400);
    // B's user id typed in A's console finds nothing
    expect(
      (await call('GET', `/admin/api/logins?user=${encodeURIComponent('secret-user@b.example')}`, s.admin)).body.items,
    ).toEqual([]);
  });

  it("answers 404 for another tenant's objects, exactly like unknown ones", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const theirs = await call('GET', `/admin/api/logins/${bLogin}`, s.admin);
    const none = await call('GET', `/admin/api/logins/${unknown}`, s.admin);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(none.body);
    expect((await call('POST', `/admin/api/logins/${bLogin}/label`, s.admin, { label: 'fraud' })).status).toBe(404);
    const bDetail = await call('GET', `/admin/api/logins/${bLogin}`, s.adminB);
    expect(bDetail.status).toBe(200);
    const bAccount = bDetail.body.account.id;
    expect((await call('GET', `/admin/api/accounts/${bAccount}`, s.admin)).status).toBe(404);
    expect((await call('POST', `/admin/api/accounts/${bAccount}/reset-profile`, s.admin, {})).status).toBe(404);
    if (bDetail.body.device) {
      expect(
        (await call('POST', `/admin/api/accounts/${bAccount}/devices/${bDetail.body.device.id}/report`, s.admin, {}))
          .status,
      ).toBe(404);
    }
    const bEntry = await call('POST', '/admin/api/lists', s.adminB, { list: 'deny', kind: 'country', value: 'RU' });
    expect((await call('DELETE', `/admin/api/lists/${bEntry.body.id}`, s.admin)).status).toBe(404);
    const bKeys = await call('GET', '/admin/api/keys', s.adminB);
    expect((await call('POST', `/admin/api/keys/${bKeys.body.items[0].id}/revoke`, s.admin, {})).status).toBe(404);
    const bTeam = await call('GET', '/admin/api/team', s.adminB);
    expect((await call('PATCH', `/admin/api/team/${bTeam.body.items[0].id}`, s.admin, { role: 'viewer' })).status).toBe(
      404,
    );
    // nothing of B leaked into A's aggregates
    const dash = await call('GET', '/admin/api/dashboard?range=24h', s.admin);
    expect(dash.body.totals.total).toBe(4);
    expect(JSON.stringify(dash.body)).not.toContain('198.51.100.77');
    expect(JSON.stringify((await call('GET', '/admin/api/ips', s.admin)).body)).not.toContain('198.51.100.77');
  });

  it('a viewer reads with truncated IPs and cannot change anything (403)', async () => {
    const list = await call('GET', '/admin/api/logins', s.viewer);
    expect(list.status).toBe(200);
    for (const x of list.body.items) expect(x.ip).toMatch(/^203\.0\.113\.x$/);
    const detail = await call('GET', `/admin/api/logins/${aLogins[0]}`, s.viewer);
    expect(detail.body.network.ip).toBe('203.0.113.x');
    expect(JSON.stringify(detail.body)).not.toMatch(/203\.0\.113\.1\d/);
    expect(JSON.stringify((await call('GET', '/admin/api/ips', s.viewer)).body)).not.toMatch(/203\.0\.113\.1\d/);
    expect(JSON.stringify((await call('GET', '/admin/api/dashboard', s.viewer)).body)).not.toMatch(/203\.0\.113\.1\d/);
    const csv = await call('GET', '/admin/api/logins/export.csv', s.viewer);
    expect(csv.status).toBe(200);
    expect(csv.body).not.toMatch(/203\.0\.113\.1\d/);
    expect((await call('GET', '/admin/api/logins?ip=203.0.113.10', s.viewer)).status).toBe(403);
    const accountId = detail.body.account.id;
    // the account's usual networks (learned from trusted logins; set here): truncated for viewers like every IP
    await env.sql(`UPDATE accounts SET networks = '{203.0.113.0/24,2001:db8:1::/48}' WHERE id = $1`, [accountId]);
    expect((await call('GET', `/admin/api/accounts/${accountId}`, s.viewer)).body.networks).toEqual([
      '203.0.113.x/24',
      '2001:db8:1::x/48',
    ]);
    expect((await call('GET', `/admin/api/accounts/${accountId}`, s.analyst)).body.networks).toEqual([
      '203.0.113.0/24',
      '2001:db8:1::/48',
    ]);
    const attempts = [
      call('POST', `/admin/api/logins/${aLogins[0]}/label`, s.viewer, { label: 'fraud' }),
      call('POST', '/admin/api/lists', s.viewer, { list: 'deny', kind: 'ip', value: '192.0.2.1' }),
      call('PUT', '/admin/api/policy', s.viewer, {
        thresholds: { challenge: 30, deny: 70 },
        fallbackDecision: 'challenge',
        shadowMode: false,
        detectors: {},
      }),
      call('POST', `/admin/api/accounts/${accountId}/reset-profile`, s.viewer, {}),
      call('POST', '/admin/api/keys', s.viewer, { kind: 'secret' }),
      call('POST', '/admin/api/team', s.viewer, { email: 'x@a.example', role: 'admin' }),
      call('GET', '/admin/api/keys', s.viewer),
      call('GET', '/admin/api/team', s.viewer),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
    }
    expect((await env.sql(`SELECT label FROM assessments WHERE id = $1`, [aLogins[0]]))[0].label).toBeNull();
  });

  it('an analyst labels a login and it feeds learning like /v1/feedback; policy and team stay admin-only', async () => {
    const detail = await call('GET', `/admin/api/logins/${aLogins[0]}`, s.analyst);
    expect(detail.body.network.ip).toBe('203.0.113.13');
    const r = await call('POST', `/admin/api/logins/${aLogins[0]}/label`, s.analyst, { label: 'fraud' });
    expect(r.status).toBe(200);
    const fb = await env.sql<{ source: string; applied_at: Date | null }>(
      `SELECT source, applied_at FROM feedback WHERE assessment_id = $1`,
      [aLogins[0]],
    );
    expect(fb[0].source).toBe('console');
    await until(
      async () =>
        (
          await env.sql(`SELECT applied_at FROM feedback WHERE assessment_id = $1 AND applied_at IS NOT NULL`, [
            aLogins[0],
          ])
        ).length === 1,
    );
    if (detail.body.device) {
      await until(
        async () =>
          (await env.sql<{ status: string }>(`SELECT status FROM devices WHERE id = $1`, [detail.body.device.id]))[0]
            .status === 'fraud',
      );
    }
    const policy = {
      thresholds: { challenge: 30, deny: 70 },
      fallbackDecision: 'challenge',
      shadowMode: false,
      detectors: { typing: true },
    };
    expect((await call('PUT', '/admin/api/policy', s.analyst, policy)).status).toBe(403);
    const bt = await call('POST', '/admin/api/policy/backtest', s.analyst, policy);
    expect(bt.status).toBe(200);
    expect(bt.body.total).toBe(4);
    expect((await call('GET', '/admin/api/team', s.analyst)).status).toBe(403);
    const audit = await call('GET', '/admin/api/audit', s.admin);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'analyst@a.example',
          action: 'login.label',
          before: { label: null },
          after: { label: 'fraud' },
        }),
      ]),
    );
  });

  it('a deny-listed IP gets the next login from it denied (DENYLISTED); bad list values are refused', async () => {
    for (const [kind, value] of [
      ['ip', '1.2.3'],
      ['cidr', '203.0.113.7/24'],
      ['asn', 'ASX'],
      ['country', 'Japan'],
    ]) {
      const bad = await call('POST', '/admin/api/lists', s.analyst, { list: 'deny', kind, value });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    const add = await call('POST', '/admin/api/lists', s.analyst, {
      list: 'deny',
      kind: 'ip',
      value: '192.0.2.66',
      comment: 'stuffing source',
    });
    expect(add.status).toBe(201);
    const r = await login(a, 'victim@a.example', '192.0.2.66', 42);
    expect(r.decision).toBe('deny');
    expect(r.reasons.map((x) => x.code)).toContain('DENYLISTED');
    const cidr = await call('POST', '/admin/api/lists', s.analyst, {
      list: 'deny',
      kind: 'cidr',
      value: '198.18.0.0/15',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(cidr.status).toBe(201);
    expect((await login(a, 'victim2@a.example', '198.19.1.1', 43)).decision).toBe('deny');
    expect((await call('DELETE', `/admin/api/lists/${add.body.id}`, s.analyst)).status).toBe(200);
  });

  it('an admin saves the policy, rotates and revokes keys (secret shown once), manages the team', async () => {
    const save = await call('PUT', '/admin/api/policy', s.admin, {
      thresholds: { challenge: 35, deny: 75 },
      fallbackDecision: 'deny',
      shadowMode: true,
      detectors: { pointer: false },
    });
    expect(save.status).toBe(200);
    expect(save.body.policy).toMatchObject({
      thresholds: { challenge: 35, deny: 75 },
      shadowMode: true,
      detectors: { pointer: false, typing: true },
    });
    expect(
      (
        await call('PUT', '/admin/api/policy', s.admin, {
          thresholds: { challenge: 80, deny: 75 },
          fallbackDecision: 'deny',
          shadowMode: true,
          detectors: {},
        })
      ).status,
    ).toBe(400);

    const created = await call('POST', '/admin/api/keys', s.admin, { kind: 'secret', label: 'backend' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^sk_live_/);
    const listed = await call('GET', '/admin/api/keys', s.admin);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    const probe = (key: string) =>
      env.post(
        '/v1/risk',
        { event: 'login', status: 'failed', user: { id: 'k' }, context: { ip: '192.0.2.9' } },
        { authorization: `Bearer ${key}` },
      );
    expect((await probe(created.body.key)).status).toBe(200);
    const rotated = await call('POST', `/admin/api/keys/${created.body.item.id}/rotate`, s.admin, { overlapHours: 1 });
    expect(rotated.status).toBe(201);
    expect((await probe(rotated.body.key)).status).toBe(200);
    expect((await probe(created.body.key)).status).toBe(200); // still inside the overlap
    expect((await call('POST', `/admin/api/keys/${rotated.body.item.id}/revoke`, s.admin, {})).status).toBe(200);
    const rows = await env.sql<{ revoked_at: Date | null; expires_at: Date | null }>(
      `SELECT revoked_at, expires_at FROM api_keys WHERE id = ANY($1)`,
      [[created.body.item.id, rotated.body.item.id]],
    );
    expect(rows.filter((x) => x.revoked_at).length).toBe(1);
    expect(rows.filter((x) => x.expires_at).length).toBe(1);

    const invite = await call('POST', '/admin/api/team', s.admin, { email: 'temp@a.example', role: 'viewer' });
    expect(invite.status).toBe(201);
    expect((await call('PATCH', `/admin/api/team/${invite.body.id}`, s.admin, { role: 'analyst' })).status).toBe(200);
    expect((await call('DELETE', `/admin/api/team/${invite.body.id}`, s.admin)).status).toBe(200);
    const audit = await call('GET', '/admin/api/audit', s.admin);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'policy.update',
        'api_key.create',
        'api_key.rotate',
        'api_key.revoke',
        'team.invite',
        'team.role',
        'team.remove',
        'list.add',
        'list.remove',
      ]),
    );
    const policyEntry = audit.body.items.find((e: { action: string }) => e.action === 'policy.update');
    expect(policyEntry.before).toMatchObject({ 'thresholds.challenge': 40 });
    expect(policyEntry.after).toMatchObject({ 'thresholds.challenge': 35, shadowMode: true });
  });

  it('exports the filtered list as CSV', async () => {
    const csv = await call('GET', '/admin/api/logins/export.csv?decision=allow', s.analyst);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toMatch(/^id,created_at,decision/);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(1)) expect(l.split(',')[2]).toBe('allow');
  });

  it('sets where publishable keys work (origins, app ids): admins write, others read, per tenant', async () => {
    expect((await call('GET', '/admin/api/sources', s.viewer)).body).toEqual({ origins: [ORIGIN], appIds: [] });
    const next = { origins: [ORIGIN, 'https://m.shop.example'], appIds: ['jp.example.shop', 'jp.example.shop'] };
    expect((await call('PUT', '/admin/api/sources', s.analyst, next)).status).toBe(403);
    const saved = await call('PUT', '/admin/api/sources', s.admin, next);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ origins: [ORIGIN, 'https://m.shop.example'], appIds: ['jp.example.shop'] });
    expect((await call('GET', '/admin/api/sources', s.adminB)).body).toEqual({ origins: [ORIGIN], appIds: [] });
    const [row] = await env.sql<{ app_ids: string[] }>(`SELECT app_ids FROM tenants WHERE id = $1`, [a.tenantId]);
    expect(row.app_ids).toEqual(['jp.example.shop']);
    for (const bad of [
      { origins: ['https://shop.example/login'], appIds: [] },
      { origins: ['HTTPS://Shop.example'], appIds: [] },
      { origins: [], appIds: ['not an app id'] },
      { origins: [], appIds: ['nodots'] },
      { origins: [], appIds: Array.from({ length: 51 }, (_, i) => `jp.example.a${i}`) },
      { origins: [] },
    ]) {
      const r = await call('PUT', '/admin/api/sources', s.admin, bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    const audit = await call('GET', '/admin/api/audit', s.admin);
    const entry = audit.body.items.find((e: { action: string }) => e.action === 'sources.update');
    expect(entry).toBeDefined();
  });
});
