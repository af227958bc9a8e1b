// The score job's two round trips (kizuki_score_load / kizuki_score_record, libs/database/sql)
// on a real PostgreSQL, as the worker's role: atomic, idempotent, tenant-bound.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { BundleRepository, LoginStateRepository, type LoginStateQuery, type RecordLogin } from '@kizuki/database';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

describe('score path functions (real PostgreSQL, row-level security)', () => {
  const env = new KizukiEnv();
  let a: string;
  let b: string;
  let repo: LoginStateRepository;

  beforeAll(async () => {
    await env.start();
    a = (await env.createTenant('A')).tenantId;
    b = (await env.createTenant('B')).tenantId;
    repo = env.worker!.get(LoginStateRepository);
  });
  afterAll(() => env.stop());
  const load = async (tenantId: string, q: LoginStateQuery) => (await repo.loadMany(tenantId, [q]))[0];
  const record = async (tenantId: string, r: RecordLogin) => (await repo.recordMany(tenantId, [r]))[0];

  const login = (
    assessmentId: string,
    o: { key?: string; tokenId?: string | null; userHash?: string; at?: Date } = {},
  ): RecordLogin => ({
    assessment: {
      id: assessmentId,
      idempotencyKey: o.key ?? `k-${assessmentId}`,
      bundleId: o.tokenId ?? null,
      event: 'login',
      status: 'succeeded',
      decision: 'allow',
      policyDecision: 'allow',
      shadow: false,
      score: 12,
      scores: { takeover: 0.1, bot: 0, typing: null, pointer: null },
      reasons: [{ code: 'NEW_USER', detail: 'first login' }],
      ip: '203.0.113.7',
      country: 'JP',
      asn: 2516,
      userAgent: 'Mozilla/5.0',
      createdAt: o.at ?? new Date(),
      language: 'ja',
    },
    userHash: o.userHash ?? 'hash-alice',
    device: { visitorId: 'visitor-abcdefgh', storageId: 'storage-abcdefgh', components: { platform: 'Win32' } },
    linkStatus: 'trusted',
    tokenId: o.tokenId ?? null,
    learned: {
      countries: ['JP'],
      languages: ['ja'],
      networks: ['203.0.113.0/24'],
      lastLogin: { at: Date.now(), country: 'JP', lat: null, lon: null },
    },
  });
  const query = (userHash: string, key: string, extra: Partial<LoginStateQuery> = {}): LoginStateQuery => ({
    userHash,
    device: { visitorId: 'visitor-abcdefgh', storageId: null },
    tokenId: null,
    ip: '203.0.113.7',
    idempotencyKey: key,
    bundleId: null,
    bundleNear: null,
    asn: 2516,
    country: 'JP',
    ...extra,
  });

  it('records a login with what it learned, and loads it back in one call', async () => {
    const id = randomUUID();
    const r = await record(a, login(id));
    expect(r).toMatchObject({ state: 'recorded', deviceStatus: 'trusted' });
    const s = await load(a, query('hash-alice', `k-${id}`));
    expect(s.existing).toMatchObject({ id, decision: 'allow', score: 12 });
    expect(s.account).toMatchObject({
      loginCount: 1,
      trustedLogins: 1,
      countries: ['JP'],
      networks: ['203.0.113.0/24'],
    });
    expect(s.device).toMatchObject({ visitorId: 'visitor-abcdefgh', linkStatus: 'trusted', otherAccounts: 0 });
  });

  it('a second delivery of the same job writes nothing, and a used token refuses another login', async () => {
    const id = randomUUID();
    const token = randomUUID();
    expect((await record(a, login(id, { key: 'dup', tokenId: token, userHash: 'hash-bob' }))).state).toBe('recorded');
    expect(await record(a, login(randomUUID(), { key: 'dup', userHash: 'hash-bob' }))).toEqual({ state: 'duplicate' });
    expect(await record(a, login(randomUUID(), { key: 'other', tokenId: token, userHash: 'hash-bob' }))).toEqual({
      state: 'token-used',
      by: id,
    });
    const [bob] = await env.sql<{ login_count: number }>(
      `SELECT login_count FROM accounts WHERE tenant_id = $1 AND user_hash = 'hash-bob'`,
      [a],
    );
    expect(bob.login_count).toBe(1); // neither the duplicate nor the refused login counted
    expect((await load(a, query('hash-bob', 'x', { tokenId: token }))).tokenUsedBy).toBe(id);
  });

  it("one assessment per idempotency key, even when a retry would land in another month's partition", async () => {
    const id = randomUUID();
    const now = new Date();
    const first = login(id, { key: 'across-months', userHash: 'hash-months' });
    first.assessment.createdAt = new Date(now.getTime() - 40 * 86_400_000);
    expect((await record(a, first)).state).toBe('recorded');
    const retry = login(id, { key: 'across-months', userHash: 'hash-months' });
    expect(await record(a, retry)).toEqual({ state: 'duplicate' });
    expect(await env.sql(`SELECT created_at FROM assessments WHERE id = $1`, [id])).toEqual([
      { created_at: first.assessment.createdAt },
    ]);
    // and the load answers with the first one, found through the key
    const existing = (await load(a, query('hash-months', 'across-months'))).existing;
    expect(existing?.id).toBe(id);
    expect(new Date(existing!.createdAt).getTime()).toBe(first.assessment.createdAt.getTime());
  });

  it('a redelivery after the key was purged (kept 2 days) is still a duplicate, not an error', async () => {
    const id = randomUUID();
    const first = login(id, { key: 'purged-key', userHash: 'hash-late' });
    expect((await record(a, first)).state).toBe('recorded');
    await env.sql(`DELETE FROM assessment_keys WHERE tenant_id = $1 AND idempotency_key = 'purged-key'`, [a]);
    const late = login(id, { key: 'purged-key', userHash: 'hash-late' });
    late.assessment.createdAt = first.assessment.createdAt; // a redelivered job: same data, same time
    expect(await record(a, late)).toEqual({ state: 'duplicate' });
    expect(await env.sql(`SELECT id FROM assessments WHERE id = $1`, [id])).toHaveLength(1);
    // all of the duplicate's writes undone: no key row again, the account counted once
    expect(await env.sql(`SELECT 1 FROM assessment_keys WHERE idempotency_key = 'purged-key'`)).toHaveLength(0);
    expect(
      await env.sql(`SELECT login_count FROM accounts WHERE tenant_id = $1 AND user_hash = 'hash-late'`, [a]),
    ).toEqual([{ login_count: 1 }]);
  });

  // The bundle lookup reaches 2 hours back from the risk call: from 00:00 to 02:00 UTC into
  // yesterday, on the 1st into the month before. The clocks are the test's, not the machine's.
  it.each([
    ['at midday', '2031-05-14T12:00:00Z'],
    ['at 00:30 UTC', '2031-05-14T00:30:00Z'],
    ['on the last day of a month, 23:30 UTC', '2031-07-31T23:30:00Z'],
    ['on the first day of a month, 00:30 UTC', '2031-10-01T00:30:00Z'],
  ])(
    'opens only the partitions its values name: a few, not every day and month, nor the default ones (%s)',
    async (_, clock) => {
      const now = new Date(clock);
      // a tenant keeping everything 10 years: upkeep on a clock years ahead drops nothing of the other tests'
      const keeper = (await env.createTenant('Keeps all')).tenantId;
      await env.sql(
        `UPDATE tenants SET retention = '{"signalBundlesDays": 3650, "assessmentsDays": 3650}' WHERE id = $1`,
        [keeper],
      );
      // the partitions a fresh database has at that moment: migrate's upkeep, run on the clock
      await env.sql(`SELECT * FROM kizuki_partitions_run($1)`, [now]);
      const bundleId = randomUUID();
      await env.sql(`INSERT INTO signal_bundles (id, tenant_id, received_at, payload) VALUES ($1, $2, $3, '{}')`, [
        bundleId,
        a,
        now,
      ]);
      const id = randomUUID();
      const key = `locks-${clock}`;
      expect((await record(a, login(id, { key, userHash: 'hash-locks', at: now }))).state).toBe('recorded');
      const c = new Client({ connectionString: env.config.DATABASE_URL });
      await c.connect();
      try {
        await c.query('BEGIN');
        const [{ s }] = (
          await c.query(
            `SELECT kizuki_score_load($1, 'hash-locks', NULL, NULL, $2, '203.0.113.7', $3, $2, NULL, NULL, $4) AS s`,
            [a, bundleId, key, now],
          )
        ).rows;
        expect(s.bundle.id).toBe(bundleId);
        expect(s.existing.id).toBe(id);
        const locked = (
          await c.query<{ relname: string }>(
            `SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE l.pid = pg_backend_pid() AND c.relkind = 'r' AND (c.relname LIKE 'signal_bundles_%'
            OR c.relname LIKE 'assessments_%')`,
          )
        ).rows.map((r) => r.relname);
        const partitions =
          (
            await c.query(
              `SELECT 1 FROM pg_inherits WHERE inhparent IN ('signal_bundles'::regclass, 'assessments'::regclass)`,
            )
          ).rowCount ?? 0;
        expect(partitions).toBeGreaterThanOrEqual(12); // 8 days + default, 3 months + default
        expect(locked.length).toBeGreaterThanOrEqual(2); // the bundle's day and the assessment's month
        expect(locked.length).toBeLessThanOrEqual(3); // (the look-back's day too, when it is another one)
        expect(locked.filter((n) => n.endsWith('_default'))).toEqual([]);
      } finally {
        await c.query('ROLLBACK');
        await c.end();
        await env.sql(`DELETE FROM tenants WHERE id = $1`, [keeper]);
      }
    },
  );

  it('looks for the bundle only around the risk call (a token lives at most an hour)', async () => {
    const bundleId = randomUUID();
    await env.sql(
      `INSERT INTO signal_bundles (id, tenant_id, received_at, payload)
      VALUES ($1, $2, now() - interval '50 minutes', '{}')`,
      [bundleId, a],
    );
    const near = await load(
      a,
      query('hash-near', 'near', { device: null, bundleId, tokenId: bundleId, bundleNear: new Date() }),
    );
    expect(near.bundle?.id).toBe(bundleId);
    const dayLater = await load(
      a,
      query('hash-near', 'near', {
        device: null,
        bundleId,
        tokenId: bundleId,
        bundleNear: new Date(Date.now() + 86_400_000),
      }),
    );
    expect(dayLater.bundle).toBeNull();
    const unknown = await load(
      a,
      query('hash-near', 'near', { device: null, bundleId, tokenId: bundleId, bundleNear: null }),
    );
    expect(unknown.bundle?.id).toBe(bundleId);
  });

  it('finds the device through the stored bundle, and the list entries that may match', async () => {
    const bundleId = randomUUID();
    await env.sql(`INSERT INTO signal_bundles (id, tenant_id, received_at, payload) VALUES ($1, $2, now(), $3)`, [
      bundleId,
      a,
      JSON.stringify({ device: { visitorId: 'visitor-abcdefgh', storageId: null } }),
    ]);
    await env.sql(
      `INSERT INTO list_entries (tenant_id, list, kind, value) VALUES ($1, 'deny', 'cidr',
      '203.0.113.0/24'), ($1, 'deny', 'country', 'FR')`,
      [a],
    );
    const s = await load(a, query('hash-alice', 'none', { device: null, bundleId, tokenId: bundleId }));
    expect(s.bundle?.id).toBe(bundleId);
    expect(s.device?.visitorId).toBe('visitor-abcdefgh');
    expect(s.lists.map((l) => `${l.kind}:${l.value}`)).toEqual(['cidr:203.0.113.0/24']);
  });

  it('another tenant sees none of it, even with the same user hash and key', async () => {
    const s = await load(b, query('hash-alice', 'dup'));
    expect(s).toMatchObject({ account: null, device: null, existing: null, lists: [], accountDevices: [] });
    // and a record for B does not touch A's account
    expect((await record(b, login(randomUUID(), { userHash: 'hash-alice' }))).state).toBe('recorded');
    const rows = await env.sql<{ tenant_id: string; login_count: number }>(
      `SELECT tenant_id, login_count FROM accounts WHERE user_hash = 'hash-alice' ORDER BY tenant_id = $1 DESC`,
      [a],
    );
    expect(rows.map((r) => r.login_count)).toEqual([1, 1]);
    await expect(load('not-a-uuid', query('x', 'y'))).rejects.toThrow(/UUID/);
  });
  it(
    'a bundle stored while the load runs comes back with its device, ' + 'or not at all (never one without the other)',
    async () => {
      // The ingest job and the score job race in production: the load used to read the bundle twice,
      // and a bundle committed between the reads came back without its device being looked up.
      await record(a, login(randomUUID(), { userHash: 'hash-race' })); // the device exists
      const bundles = env.worker!.get(BundleRepository);
      const torn: string[] = [];
      let seen = 0;
      for (let i = 0; i < 400; i++) {
        const id = randomUUID();
        const stored = bundles.insertMany(a, [
          {
            id,
            receivedAt: new Date(),
            ip: '203.0.113.7',
            userAgent: null,
            origin: null,
            payload: { device: { visitorId: 'visitor-abcdefgh', storageId: null } },
          },
        ]);
        const s = await load(a, query('hash-race', `race-${id}`, { device: null, tokenId: id, bundleId: id }));
        await stored;
        if (s.bundle) seen++;
        if (s.bundle && !s.device) torn.push(id);
      }
      expect(torn).toEqual([]);
      expect(seen).toBeGreaterThan(0); // the race was run: some loads did find their bundle
    },
  );
});
