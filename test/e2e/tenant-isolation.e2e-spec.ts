import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '@kizuki/database';
import { TENANT_TABLES } from '../../migrations';
import { CONSOLE_ROLLUP_TABLES } from '../../migrations/1796405000000-console-rollup';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { seededRng } from '../../fixtures/human-input';

jest.setTimeout(240_000);

const PASSWORD = 'correct horse battery staple';
const PROBES = Number(process.env.KIZUKI_ISOLATION_PROBES ?? 1000);
type Tenant = { tenantId: string; publishableKey: string; secretKey: string; origin: string };
type Session = { cookie: string; csrf: string };
type Res = { status: number; body: unknown };

/**
 * Tenant isolation, attacked: tenant B's secret key and B's console admin are pointed at tenant
 * A's objects on every route that takes an id, in a random order, ≥ 1,000 times. Every probe must
 * get exactly what a never-existing id gets (404, same body), and A's data must not change.
 * Then the same at the database level: row-level security with app.tenant_id.
 */
describe('tenant isolation', () => {
  const env = new KizukiEnv();
  let a: Tenant;
  let b: Tenant;
  let sa: Session;
  let sb: Session;
  const victim = {
    users: [] as string[],
    assessments: [] as string[],
    accounts: [] as string[],
    devices: [] as string[],
    lists: [] as string[],
    keys: [] as string[],
    admins: [] as string[],
  };

  async function call(
    method: string,
    path: string,
    opts: { session?: Session; key?: string; body?: unknown } = {},
  ): Promise<Res> {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.session ? { cookie: opts.session.cookie, 'x-csrf-token': opts.session.csrf } : {}),
        ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body };
  }

  async function signIn(email: string): Promise<Session> {
    const res = await fetch(env.baseUrl + '/admin/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { csrfToken: string };
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: body.csrfToken };
  }

  async function login(t: Tenant, user: string, seed: number): Promise<string> {
    const c = await env.post(
      '/v1/collect',
      makeBundle({ seed, visitorId: `visitor-${t.tenantId.slice(0, 8)}-${seed}` }),
      { 'x-kizuki-key': t.publishableKey, origin: t.origin },
    );
    expect(c.status).toBe(202);
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status: 'succeeded',
        user: { id: user },
        context: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' },
      },
      { authorization: `Bearer ${t.secretKey}` },
    );
    expect(r.status).toBe(200);
    expect(r.body.degraded).toBe(false);
    return r.body.id;
  }

  /** Everything stored for tenant A, as one comparable value (excluding B's own rows). */
  async function snapshotA(): Promise<string> {
    const parts: string[] = [];
    // the console roll-up is rewritten by the worker's job on its own clock (every minute), whoever probes
    const skip = new Set(['admin_sessions', ...CONSOLE_ROLLUP_TABLES]);
    for (const t of [...TENANT_TABLES.filter((x) => !skip.has(x)), 'tenants']) {
      const col = t === 'tenants' ? 'id' : 'tenant_id';
      const [row] = await env.sql<{ d: string }>(
        `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM ${t} x WHERE ${col} = $1`,
        [a.tenantId],
      );
      parts.push(`${t}:${row.d}`);
    }
    return parts.join(',');
  }

  beforeAll(async () => {
    await env.start();
    a = { ...(await env.createTenant('Tenant A', ['https://a.example'])), origin: 'https://a.example' };
    b = { ...(await env.createTenant('Tenant B', ['https://b.example'])), origin: 'https://b.example' };
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, a.tenantId, 'admin@a.example', 'admin', PASSWORD);
      await createAdmin(db, a.tenantId, 'viewer@a.example', 'viewer', PASSWORD);
      await createAdmin(db, b.tenantId, 'admin@b.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    sa = await signIn('admin@a.example');
    sb = await signIn('admin@b.example');
    for (let i = 0; i < 3; i++) {
      victim.users.push(`only-in-a-${i}@example.jp`);
      victim.assessments.push(await login(a, `only-in-a-${i}@example.jp`, 10 + i));
      await login(b, `only-in-b-${i}@example.jp`, 20 + i);
    }
    // B also has a user with the same customer id as one of A's: pseudonyms are per tenant.
    await login(b, 'shared-id@example.jp', 30);
    victim.assessments.push(await login(a, 'shared-id@example.jp', 31));
    for (const kind of ['ip', 'country']) {
      const r = await call('POST', '/admin/api/lists', {
        session: sa,
        body: { list: 'deny', kind, value: kind === 'ip' ? '198.51.100.7' : 'KP' },
      });
      expect(r.status).toBe(201);
      victim.lists.push((r.body as { id: string }).id);
    }
    victim.accounts = (await env.sql<{ id: string }>(`SELECT id FROM accounts WHERE tenant_id = $1`, [a.tenantId])).map(
      (r) => r.id,
    );
    victim.devices = (await env.sql<{ id: string }>(`SELECT id FROM devices WHERE tenant_id = $1`, [a.tenantId])).map(
      (r) => r.id,
    );
    victim.keys = (await env.sql<{ id: string }>(`SELECT id FROM api_keys WHERE tenant_id = $1`, [a.tenantId])).map(
      (r) => r.id,
    );
    victim.admins = (await env.sql<{ id: string }>(`SELECT id FROM admins WHERE tenant_id = $1`, [a.tenantId])).map(
      (r) => r.id,
    );
  });

  afterAll(() => env.stop());

  it('the api and worker act as kizuki_app, which owns nothing and does not bypass row-level security', async () => {
    const [who] = await env.api
      .get(DataSource)
      .query(
        `SELECT current_user AS "user", r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user`,
      );
    expect(who).toEqual({ user: 'kizuki_app', rolsuper: false, rolbypassrls: false });
    const [wk] = await env.worker!.get(DataSource).query(`SELECT current_user AS "user"`);
    expect(wk.user).toBe('kizuki_app');
    const owned = await env.sql(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'kizuki_app'`,
    );
    expect(owned).toEqual([]);
  });

  it(
    `${PROBES} randomized cross-tenant probes on every route that takes an id: zero leaks, ` +
      `"not yours" = "does not exist"`,
    async () => {
      const before = await snapshotA();
      const auditBefore = await env.sql(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [a.tenantId]);
      const seed = Number(process.env.KIZUKI_ISOLATION_SEED ?? Date.now() % 1e9);
      const rand = seededRng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
      const key = b.secretKey;
      // Each probe: [route, request with A's id, the same request with an id that never existed].
      type Probe = { route: string; probe: () => Promise<Res>; control: () => Promise<Res> };
      const fresh = () => randomUUID();
      const probes: (() => Probe)[] = [
        () => {
          const id = pick(victim.assessments);
          const f = fresh();
          return {
            route: 'GET /v1/assessments/:id',
            probe: () => call('GET', `/v1/assessments/${id}`, { key }),
            control: () => call('GET', `/v1/assessments/${f}`, { key }),
          };
        },
        () => {
          const id = pick(victim.assessments);
          const f = fresh();
          const label = pick(['legit', 'fraud', 'challenge_passed', 'challenge_failed']);
          return {
            route: 'POST /v1/feedback',
            probe: () => call('POST', '/v1/feedback', { key, body: { assessmentId: id, label } }),
            control: () => call('POST', '/v1/feedback', { key, body: { assessmentId: f, label } }),
          };
        },
        () => {
          const u = encodeURIComponent(pick(victim.users));
          const f = encodeURIComponent(`never-${fresh()}`);
          const tail = pick(['devices', 'export']);
          return {
            route: `GET /v1/users/:id/${tail}`,
            probe: () => call('GET', `/v1/users/${u}/${tail}`, { key }),
            control: () => call('GET', `/v1/users/${f}/${tail}`, { key }),
          };
        },
        () => {
          const u = encodeURIComponent(pick(victim.users));
          const f = encodeURIComponent(`never-${fresh()}`);
          return {
            route: 'DELETE /v1/users/:id',
            probe: () => call('DELETE', `/v1/users/${u}`, { key }),
            control: () => call('DELETE', `/v1/users/${f}`, { key }),
          };
        },
        () => {
          // B's own user (exists in B) with A's device: the device part must not be found either.
          const u = encodeURIComponent(pick(['shared-id@example.jp', 'only-in-b-0@example.jp']));
          const d = pick(victim.devices);
          const f = fresh();
          const verb = pick(['approve', 'report']);
          return {
            route: `POST /v1/users/:id/devices/:deviceId/${verb}`,
            probe: () => call('POST', `/v1/users/${u}/devices/${d}/${verb}`, { key }),
            control: () => call('POST', `/v1/users/${u}/devices/${f}/${verb}`, { key }),
          };
        },
        () => {
          const id = pick(victim.assessments);
          const f = fresh();
          return {
            route: 'GET /admin/api/logins/:id',
            probe: () => call('GET', `/admin/api/logins/${id}`, { session: sb }),
            control: () => call('GET', `/admin/api/logins/${f}`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.assessments);
          const f = fresh();
          const label = pick(['legit', 'fraud']);
          return {
            route: 'POST /admin/api/logins/:id/label',
            probe: () => call('POST', `/admin/api/logins/${id}/label`, { session: sb, body: { label } }),
            control: () => call('POST', `/admin/api/logins/${f}/label`, { session: sb, body: { label } }),
          };
        },
        () => {
          const filter = pick(['accountId', 'deviceId']);
          const id = pick(filter === 'accountId' ? victim.accounts : victim.devices);
          const f = fresh();
          return {
            route: `GET /admin/api/logins?${filter}=`,
            probe: () => call('GET', `/admin/api/logins?${filter}=${id}`, { session: sb }),
            control: () => call('GET', `/admin/api/logins?${filter}=${f}`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.accounts);
          const f = fresh();
          return {
            route: 'GET /admin/api/accounts/:id',
            probe: () => call('GET', `/admin/api/accounts/${id}`, { session: sb }),
            control: () => call('GET', `/admin/api/accounts/${f}`, { session: sb }),
          };
        },
        () => {
          const u = encodeURIComponent(pick(victim.users.filter((x) => x.startsWith('only-in-a'))));
          const f = encodeURIComponent(`never-${fresh()}`);
          return {
            route: 'GET /admin/api/accounts/lookup',
            probe: () => call('GET', `/admin/api/accounts/lookup?user=${u}`, { session: sb }),
            control: () => call('GET', `/admin/api/accounts/lookup?user=${f}`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.accounts);
          const d = pick(victim.devices);
          const f = fresh();
          const verb = pick(['approve', 'report']);
          return {
            route: `POST /admin/api/accounts/:id/devices/:deviceId/${verb}`,
            probe: () => call('POST', `/admin/api/accounts/${id}/devices/${d}/${verb}`, { session: sb }),
            control: () => call('POST', `/admin/api/accounts/${f}/devices/${d}/${verb}`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.accounts);
          const f = fresh();
          return {
            route: 'POST /admin/api/accounts/:id/reset-profile',
            probe: () => call('POST', `/admin/api/accounts/${id}/reset-profile`, { session: sb }),
            control: () => call('POST', `/admin/api/accounts/${f}/reset-profile`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.lists);
          const f = fresh();
          return {
            route: 'DELETE /admin/api/lists/:id',
            probe: () => call('DELETE', `/admin/api/lists/${id}`, { session: sb }),
            control: () => call('DELETE', `/admin/api/lists/${f}`, { session: sb }),
          };
        },
        () => {
          const id = pick(victim.keys);
          const f = fresh();
          const verb = pick(['rotate', 'revoke']);
          const body = verb === 'rotate' ? { overlapHours: 1 } : undefined;
          return {
            route: `POST /admin/api/keys/:id/${verb}`,
            probe: () => call('POST', `/admin/api/keys/${id}/${verb}`, { session: sb, body }),
            control: () => call('POST', `/admin/api/keys/${f}/${verb}`, { session: sb, body }),
          };
        },
        () => {
          const id = pick(victim.admins);
          const f = fresh();
          const patch = rand() < 0.5;
          return patch
            ? {
                route: 'PATCH /admin/api/team/:id',
                probe: () => call('PATCH', `/admin/api/team/${id}`, { session: sb, body: { role: 'viewer' } }),
                control: () => call('PATCH', `/admin/api/team/${f}`, { session: sb, body: { role: 'viewer' } }),
              }
            : {
                route: 'DELETE /admin/api/team/:id',
                probe: () => call('DELETE', `/admin/api/team/${id}`, { session: sb }),
                control: () => call('DELETE', `/admin/api/team/${f}`, { session: sb }),
              };
        },
      ];
      const perRoute = new Map<string, number>();
      const leaks: string[] = [];
      for (let i = 0; i < PROBES; i++) {
        const p = pick(probes)();
        const [got, expected] = [await p.probe(), await p.control()];
        perRoute.set(p.route, (perRoute.get(p.route) ?? 0) + 1);
        if (got.status !== expected.status || JSON.stringify(got.body) !== JSON.stringify(expected.body)) {
          leaks.push(
            `${p.route}: ${got.status} ${JSON.stringify(got.body).slice(0, 200)} ≠ ${expected.status} ` +
              `${JSON.stringify(expected.body).slice(0, 200)}`,
          );
        }
      }
      console.log(
        `tenant isolation: ${PROBES} probes (seed ${seed}) over ${perRoute.size} routes, ` +
          `${leaks.length} leaks\n${[...perRoute].map(([r, n]) => `  ${n}\t${r}`).join('\n')}`,
      );
      expect(leaks.slice(0, 5)).toEqual([]);
      expect(perRoute.size).toBe(21); // every route variant was probed
      expect(await snapshotA()).toBe(before);
      expect(await env.sql(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [a.tenantId])).toEqual(
        auditBefore,
      );
      // The controls' never-existing ids and the probes' ids got the same 404 from the lists above;
      // A's own admin still sees its data (the probes did not break anything).
      const own = await call('GET', `/admin/api/logins/${victim.assessments[0]}`, { session: sa });
      expect(own.status).toBe(200);
    },
  );

  it("a request token of tenant A is worthless with tenant B's secret key", async () => {
    const c = await env.post('/v1/collect', makeBundle({ seed: 99 }), {
      'x-kizuki-key': a.publishableKey,
      origin: a.origin,
    });
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status: 'succeeded',
        user: { id: 'only-in-a-0@example.jp' },
        context: { ip: '203.0.113.9' },
      },
      { authorization: `Bearer ${b.secretKey}` },
    );
    expect(r.status).toBe(200);
    expect(r.body.reasons.map((x: { code: string }) => x.code)).toContain('TOKEN_INVALID');
    // and A's publishable key does not work from B's origin
    const x = await env.post('/v1/collect', makeBundle({ seed: 98 }), {
      'x-kizuki-key': a.publishableKey,
      origin: b.origin,
    });
    expect(x.status).toBe(403);
  });

  describe('at the database level (row-level security)', () => {
    let c: Client;
    beforeAll(async () => {
      c = new Client({ connectionString: env.config.DATABASE_URL });
      await c.connect();
      await c.query('SET ROLE kizuki_app');
    });
    afterAll(() => c.end());

    it('every table with a tenant_id column has row-level security enabled and forced', async () => {
      const { rows } = await c.query(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n
          ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') -- tables, partitioned ones and their partitions
            AND (c.relname = 'tenants' OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
              AND a.attname = 'tenant_id' AND NOT a.attisdropped))`,
      );
      const unprotected = rows.filter((r) => !r.relrowsecurity || !r.relforcerowsecurity).map((r) => r.relname);
      // A new tenant-owned table needs: ENABLE + FORCE ROW LEVEL SECURITY and a tenant_isolation policy
      // (see migrations/1764489600000-baseline.ts).
      expect(unprotected).toEqual([]);
      expect(rows.length).toBeGreaterThanOrEqual(TENANT_TABLES.length + 1);
    });

    it("with app.tenant_id = B, tenant A's rows are invisible and cannot be written", async () => {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [b.tenantId]);
        for (const t of TENANT_TABLES) {
          const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${t} WHERE tenant_id = $1`, [a.tenantId]);
          expect({ t, n: rows[0].n }).toEqual({ t, n: 0 });
          const { rows: other } = await c.query(`SELECT count(*)::int AS n FROM ${t} WHERE tenant_id <> $1`, [
            b.tenantId,
          ]);
          expect({ t, n: other[0].n }).toEqual({ t, n: 0 });
        }
        const { rows: tenants } = await c.query(`SELECT id FROM tenants`);
        expect(tenants).toEqual([{ id: b.tenantId }]);
        const { rows: bs } = await c.query(`SELECT count(*)::int AS n FROM assessments`);
        expect(bs[0].n).toBeGreaterThan(0);
        // UPDATE/DELETE of A's rows touch nothing
        const upd = await c.query(`UPDATE assessments SET label = 'fraud' WHERE tenant_id = $1`, [a.tenantId]);
        expect(upd.rowCount).toBe(0);
        const del = await c.query(`DELETE FROM list_entries WHERE tenant_id = $1`, [a.tenantId]);
        expect(del.rowCount).toBe(0);
        await c.query('SAVEPOINT s');
        await expect(
          c.query(`INSERT INTO list_entries (tenant_id, list, kind, value) VALUES ($1, 'deny', 'ip', '192.0.2.1')`, [
            a.tenantId,
          ]),
        ).rejects.toThrow(/row-level security/);
        await c.query('ROLLBACK TO SAVEPOINT s');
      } finally {
        await c.query('ROLLBACK');
      }
    });

    it('without app.tenant_id nothing at all is visible', async () => {
      for (const t of [...TENANT_TABLES, 'tenants']) {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${t}`);
        expect({ t, n: rows[0].n }).toEqual({ t, n: 0 });
      }
      // the setting is transaction-local: after a transaction that set it, nothing again
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.tenantId]);
      expect((await c.query(`SELECT count(*)::int AS n FROM assessments`)).rows[0].n).toBeGreaterThan(0);
      await c.query('COMMIT');
      expect((await c.query(`SELECT count(*)::int AS n FROM assessments`)).rows[0].n).toBe(0);
    });

    it('the cross-tenant entry points return only what they are for', async () => {
      // key lookup: one key by its prefix, no listing
      const prefix = a.secretKey.split('_').slice(0, 3).join('_');
      const { rows } = await c.query(`SELECT tenant_id FROM kizuki_api_key_lookup($1)`, [prefix]);
      expect(rows.length).toBeLessThanOrEqual(1);
      await expect(c.query(`SELECT * FROM kizuki_api_key_lookup('%')`)).resolves.toMatchObject({ rowCount: 0 });
      await expect(c.query(`SELECT * FROM kizuki_admin_login_lookup('%')`)).resolves.toMatchObject({ rowCount: 0 });
      // the app role cannot write the Tor list or read the migrations and SQL function tables
      await expect(c.query(`DELETE FROM tor_exit_nodes`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`SELECT * FROM kizuki_migrations`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`SELECT * FROM kizuki_sql_functions`)).rejects.toThrow(/permission denied/);
    });
  });
});
