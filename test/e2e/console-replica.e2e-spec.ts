// DATABASE_READ_URL: the console's reads go to a read replica, its writes to the primary, and a
// replica that goes away does not take the console with it. The "replica" here is a second
// database with the same schema and different rows, so every answer shows where it was read.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Client } from 'pg';
import { createDataSource, migrateDatabase } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { TcpProxy } from '../helpers/tcp-proxy';

jest.setTimeout(60_000);

const ADMIN_URL = process.env.KIZUKI_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'correct horse battery staple';

/** An analyst of the tenant, signed in to the console: its session cookie and CSRF token. */
async function analystSession(
  env: KizukiEnv,
  tenantId: string,
  email: string,
): Promise<{ cookie: string; csrf: string }> {
  const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
  await db.initialize();
  await createAdmin(db, tenantId, email, 'analyst', PASSWORD).finally(() => db.destroy());
  const r = await fetch(`${env.baseUrl}/admin/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return {
    cookie: (r.headers.get('set-cookie') ?? '').split(';')[0],
    csrf: ((await r.json()) as { csrfToken: string }).csrfToken,
  };
}

describe('console reads from DATABASE_READ_URL', () => {
  const replicaName = `kztest_replica_${randomBytes(4).toString('hex')}`;
  const replicaUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${replicaName}` }).toString();
  const env = new KizukiEnv({ DATABASE_READ_URL: replicaUrl });
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };
  let session: { cookie: string; csrf: string };
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  const onReplica = async (sql: string, params: unknown[] = []) => {
    const c = new Client({ connectionString: replicaUrl });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(env.baseUrl + path, {
      method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    await env.start();
    tenant = await env.createTenant('Replica shop');
    session = await analystSession(env, tenant.tenantId, 'analyst@replica.example');
    // the replica: same schema, its own rows (as if it had not replayed the latest ones yet)
    await admin(`CREATE DATABASE ${replicaName}`);
    const replica = createDataSource({ url: replicaUrl, poolSize: 1 });
    await replica.initialize();
    await migrateDatabase(replica).finally(() => replica.destroy());
  });
  afterAll(async () => {
    await env.stop();
    await admin(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
  });

  it(
    'lists and shows what the replica holds, labels on the primary, ' +
      'and falls back to the primary when the replica is gone',
    async () => {
      // a login scored now: on the primary only
      const c = await env.post('/v1/collect', makeBundle({ visitorId: 'visitor-replica-1' }), {
        'x-kizuki-key': tenant.publishableKey,
        origin: KizukiEnv.ORIGIN,
      });
      const risk = await env.post(
        '/v1/risk',
        {
          requestToken: c.body.requestToken,
          event: 'login',
          status: 'succeeded',
          user: { id: 'aoi@replica.example' },
          context: { ip: '203.0.113.9' },
        },
        { authorization: `Bearer ${tenant.secretKey}` },
      );
      expect(risk.status).toBe(200);
      const onPrimary: string = risk.body.id;
      // an older login the replica holds (and the primary, in this test, does not)
      const onReplicaOnly = randomUUID();
      await onReplica(`INSERT INTO tenants (id, name) VALUES ($1, 'Replica shop')`, [tenant.tenantId]);
      const [acc] = await onReplica(
        `INSERT INTO accounts (tenant_id, user_hash) VALUES ($1, 'hash-on-replica') RETURNING id`,
        [tenant.tenantId],
      );
      await onReplica(
        `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision,
        policy_decision, score, scores, reasons, created_at)
       VALUES ($1, $2, 'k', $3, 'login', 'succeeded', 'deny', 'deny', 90, '{}', '[]', now() - interval '1 hour')`,
        [onReplicaOnly, tenant.tenantId, acc.id],
      );

      const list = await call('GET', '/admin/api/logins');
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([onReplicaOnly]);
      expect((await call('GET', `/admin/api/logins/${onReplicaOnly}`)).status).toBe(200);
      expect((await call('GET', `/admin/api/logins/${onPrimary}`)).status).toBe(404); // not replayed yet
      // a label is a write: the primary's login takes it
      const label = await call('POST', `/admin/api/logins/${onPrimary}/label`, { label: 'legit' });
      expect(label.status).toBe(200);
      expect(await env.sql(`SELECT label FROM assessments WHERE id = $1`, [onPrimary])).toEqual([{ label: 'legit' }]);

      // the replica goes away: the console reads the primary
      await admin(`DROP DATABASE ${replicaName} WITH (FORCE)`);
      const fallback = await call('GET', '/admin/api/logins');
      expect(fallback.status).toBe(200);
      expect(fallback.body.items.map((i: { id: string; label: string | null }) => [i.id, i.label])).toEqual([
        [onPrimary, 'legit'],
      ]);
    },
  );
});

describe('console with a DATABASE_READ_URL that never answers', () => {
  // a "replica" that accepts connections and never says a word: each try waits out the connect timeout
  const silent = createServer((socket) => void socket.on('error', () => undefined));
  const held: Socket[] = [];
  silent.on('connection', (s) => held.push(s));
  let env: KizukiEnv;
  beforeAll(async () => {
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    env = new KizukiEnv({
      DATABASE_READ_URL: `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/kizuki`,
    });
  });
  afterAll(async () => {
    await env.stop();
    for (const s of held) s.destroy();
    await new Promise((ok) => silent.close(ok));
  });

  it('starts, reads the primary, and waits for the replica once, not on every read', async () => {
    await env.start();
    const tenant = await env.createTenant('No replica shop');
    const { cookie } = await analystSession(env, tenant.tenantId, 'analyst@noreplica.example');
    const c = await env.post('/v1/collect', makeBundle({ visitorId: 'visitor-noreplica-1' }), {
      'x-kizuki-key': tenant.publishableKey,
      origin: KizukiEnv.ORIGIN,
    });
    const risk = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status: 'succeeded',
        user: { id: 'sora@noreplica.example' },
        context: { ip: '203.0.113.10' },
      },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
    const took: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const list = await fetch(`${env.baseUrl}/admin/api/logins`, { headers: { cookie } });
      took.push(performance.now() - started);
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: { id: string }[] }).items.map((x) => x.id)).toEqual([risk.body.id]);
    }
    expect(took[0]).toBeGreaterThan(1500); // the first read tried the replica (2 s connect timeout)
    expect(took[1]).toBeLessThan(1000); // then the primary at once
    expect(took[2]).toBeLessThan(1000);
  });
});

describe('console with a replica that stops answering after it was in use', () => {
  // the "replica" is the primary's own database reached through a proxy the test can silence
  const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
  let env: KizukiEnv;
  beforeAll(async () => {
    await proxy.start();
    env = new KizukiEnv();
    const readUrl = new URL(env.config.DATABASE_URL);
    readUrl.port = String(proxy.port);
    (env.config as { DATABASE_READ_URL?: string }).DATABASE_READ_URL = readUrl.toString();
    await env.start();
  });
  afterAll(async () => {
    await env.stop();
    await proxy.stop();
  });

  it('goes back to the primary and leaves the replica alone, instead of waiting for it on every read', async () => {
    const tenant = await env.createTenant('Hanging replica shop');
    const { cookie } = await analystSession(env, tenant.tenantId, 'analyst@hanging.example');
    const risk = await env.post(
      '/v1/risk',
      { event: 'login', status: 'attempted', user: { id: 'kai@hanging.example' }, context: { ip: '203.0.113.12' } },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
    const read = async () => {
      const started = performance.now();
      const list = await fetch(`${env.baseUrl}/admin/api/logins`, { headers: { cookie } });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: { id: string }[] }).items.map((x) => x.id)).toEqual([risk.body.id]);
      return performance.now() - started;
    };
    await read();
    expect(proxy.accepted).toBeGreaterThan(0); // the replica was in use

    proxy.silence();
    await read(); // finds its connection gone and a new one unanswered: the primary answers
    const triesAfter = proxy.accepted;
    const later = [await read(), await read()];
    expect(proxy.accepted).toBe(triesAfter); // no new try at the replica within RETRY_AFTER_MS
    for (const ms of later) expect(ms).toBeLessThan(1000);
  });
});
