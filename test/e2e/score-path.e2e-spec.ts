// The score job's two round trips (kizuki_score_load_many / kizuki_score_record_many, libs/database/sql)
// on a real PostgreSQL, as the worker's role: atomic, idempotent, tenant-bound.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  BundleRepository,
  LoginStateRepository,
  type LoginState,
  type LoginStateQuery,
  type RecordLogin,
} from '@kizuki/database';
import { LoginScorer } from '@kizuki/login-scorer';
import type { ScoreLoginJobData } from '@kizuki/queue';
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
        const [
          {
            s: [s],
          },
        ] = (
          await c.query(
            `SELECT kizuki_score_load_many($1, '{hash-locks}', '{NULL}', '{NULL}', ARRAY[$2::uuid],
               '{203.0.113.7}', ARRAY[$3], ARRAY[$2::uuid], ARRAY[$4::timestamptz], '{NULL}', '{NULL}') AS s`,
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

  describe('a batch records what its logins recorded one by one would (set-based record)', () => {
    // Two fresh tenants, the same history before, the same logins: one records them as one batch, the
    // other one by one in the order the batch takes (by account). Answers and stored rows must match.
    const at = new Date('2031-05-14T12:00:00Z');
    const ids = Array.from({ length: 16 }, () => randomUUID());
    const tokens = Array.from({ length: 4 }, () => randomUUID());
    const learned = (extra: Partial<NonNullable<RecordLogin['learned']>> = {}): RecordLogin['learned'] => ({
      countries: ['JP'],
      languages: ['ja'],
      lastLogin: { at: at.getTime(), country: 'JP', lat: null, lon: null },
      ...extra,
    });
    const entry = (
      n: number,
      userHash: string,
      o: {
        key?: string;
        token?: string | null;
        visitor?: string | null;
        storage?: string | null;
        matched?: string | null;
        link?: RecordLogin['linkStatus'];
        learned?: RecordLogin['learned'];
        shared?: boolean;
      } = {},
    ): RecordLogin => {
      const r = login(ids[n], { key: o.key ?? `batch-${n}`, tokenId: o.token ?? null, userHash, at });
      r.assessment.createdAt = new Date(at.getTime() + n * 1000);
      r.device =
        o.visitor === null
          ? null
          : {
              visitorId: o.visitor ?? `visitor-${userHash}`,
              storageId: o.storage ?? null,
              components: { n },
              matchedDeviceId: o.matched ?? null,
            };
      r.linkStatus = o.link ?? 'new';
      r.learned = o.learned === undefined ? null : o.learned;
      r.sharedDevice = o.shared ?? false;
      return r;
    };
    // the history both tenants start from
    const before = async (t: string) => {
      await record(t, entry(0, 'u-old', { visitor: 'v-old', link: 'pending', token: tokens[0] }));
      await record(t, entry(1, 'u-fuzzy', { visitor: 'v-fuzzy-1', link: 'trusted', learned: learned() }));
      await record(t, entry(2, 'u-fraud', { visitor: 'v-fraud', link: 'trusted', learned: learned() }));
      await record(t, entry(3, 'u-late', { visitor: null }));
      await env.sql(`DELETE FROM assessment_keys WHERE tenant_id = $1 AND idempotency_key = 'batch-3'`, [t]);
      await env.sql(`UPDATE devices SET status = 'fraud' WHERE tenant_id = $1 AND visitor_id = 'v-fraud'`, [t]);
    };
    const batch = async (t: string): Promise<RecordLogin[]> => {
      const [{ id: fuzzy }] = await env.sql<{ id: string }>(
        `SELECT id FROM devices WHERE tenant_id = $1 AND visitor_id = 'v-fuzzy-1'`,
        [t],
      );
      return [
        // three logins of a new account: attempted on a new device, trusted on it, then another device
        entry(4, 'u-new', { link: 'pending', token: tokens[1] }),
        entry(5, 'u-new', { link: 'trusted', storage: 's-new', learned: learned({ typingProfile: { n: 5 } }) }),
        entry(6, 'u-new', { visitor: 'v-new-2', link: 'trusted', learned: learned({ networks: ['198.51.100.0/24'] }) }),
        // the same job twice in the batch (its redelivery), and a login reusing a token of the batch
        entry(5, 'u-new', { link: 'trusted', storage: 's-new', learned: learned({ typingProfile: { n: 5 } }) }),
        entry(7, 'u-new', { token: tokens[1] }),
        // a token used before the batch, a key recorded before, an assessment recorded before its key was purged
        entry(8, 'u-old', { token: tokens[0] }),
        entry(9, 'u-old', { key: 'batch-0' }),
        entry(3, 'u-late', { visitor: null }),
        // the known account on its pending device: trusted now; then a login with no device at all
        entry(10, 'u-old', { visitor: 'v-old', link: 'trusted', learned: learned({ countries: ['US'] }) }),
        entry(11, 'u-old', { visitor: null, learned: learned({ pointerProfile: { n: 11 } }) }),
        // a browser update: the account's device takes the new fingerprint, and a later login on it
        entry(12, 'u-fuzzy', { visitor: 'v-fuzzy-2', matched: fuzzy, link: 'trusted', storage: 's-fuzzy' }),
        entry(13, 'u-fuzzy', { visitor: 'v-fuzzy-2', link: 'pending' }),
        // a device shared by many accounts, and a device marked as fraud
        entry(14, 'u-shared', { visitor: 'v-old', shared: true, token: tokens[2] }),
        entry(15, 'u-fraud', { visitor: 'v-fraud', link: 'trusted', learned: learned() }),
      ];
    };
    // what a tenant stored, with its generated ids named by what they stand for
    const stored = async (t: string) => {
      const accounts = await env.sql<Record<string, unknown>>(
        `SELECT user_hash, login_count, trusted_logins, typing_profile, pointer_profile, countries, languages,
                last_login, networks FROM accounts WHERE tenant_id = $1 ORDER BY user_hash`,
        [t],
      );
      const devices = await env.sql(
        `SELECT visitor_id, storage_id, components, status FROM devices WHERE tenant_id = $1 ORDER BY visitor_id`,
        [t],
      );
      const links = await env.sql(
        `SELECT a.user_hash, d.visitor_id, l.status, l.logins FROM account_devices l
           JOIN accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
           JOIN devices d ON d.tenant_id = l.tenant_id AND d.id = l.device_id
          WHERE l.tenant_id = $1 ORDER BY 1, 2`,
        [t],
      );
      const assessments = await env.sql(
        `SELECT s.id, s.idempotency_key, a.user_hash, d.visitor_id, s.device_status, s.created_at
           FROM assessments s JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
           LEFT JOIN devices d ON d.tenant_id = s.tenant_id AND d.id = s.device_id
          WHERE s.tenant_id = $1 ORDER BY s.created_at`,
        [t],
      );
      const keys = await env.sql(
        `SELECT idempotency_key, assessment_id FROM assessment_keys WHERE tenant_id = $1 ORDER BY 1`,
        [t],
      );
      const tokenUses = await env.sql(
        `SELECT token_id, assessment_id FROM token_uses WHERE tenant_id = $1 ORDER BY 1`,
        [t],
      );
      const names = new Map<string, string>();
      for (const r of await env.sql<{ id: string; name: string }>(
        `SELECT id, 'account ' || user_hash AS name FROM accounts WHERE tenant_id = $1
         UNION ALL SELECT id, 'device ' || visitor_id FROM devices WHERE tenant_id = $1`,
        [t],
      ))
        names.set(r.id, r.name);
      return { accounts, devices, links, assessments, keys, tokenUses, names };
    };
    const named = (answers: unknown[], names: Map<string, string>) =>
      JSON.parse(JSON.stringify(answers), (_k, v: unknown) => (typeof v === 'string' ? (names.get(v) ?? v) : v));

    it('duplicates, reused tokens, several logins of one account, fuzzy device: same answers, same rows', async () => {
      const inBatch = (await env.createTenant('Batch')).tenantId;
      const oneByOne = (await env.createTenant('One by one')).tenantId;
      await before(inBatch);
      await before(oneByOne);
      const batchAnswers = await repo.recordMany(inBatch, await batch(inBatch));
      // one by one, in the order the batch takes: by account, then as given
      const logins = await batch(oneByOne);
      const order = logins
        .map((_r, i) => i)
        .sort((i, j) =>
          logins[i].userHash < logins[j].userHash ? -1 : logins[i].userHash > logins[j].userHash ? 1 : i - j,
        );
      const singleAnswers = new Array<unknown>(logins.length);
      for (const i of order) singleAnswers[i] = await record(oneByOne, logins[i]);

      const [x, y] = [await stored(inBatch), await stored(oneByOne)];
      expect(named(batchAnswers, x.names)).toEqual(named(singleAnswers, y.names));
      for (const k of ['accounts', 'devices', 'links', 'assessments', 'keys', 'tokenUses'] as const)
        expect({ [k]: x[k] }).toEqual({ [k]: y[k] });

      // and what the rules say, so that both paths cannot be wrong alike
      expect(named(batchAnswers, x.names)).toEqual([
        { state: 'recorded', accountId: 'account u-new', deviceId: 'device visitor-u-new', deviceStatus: 'pending' },
        { state: 'recorded', accountId: 'account u-new', deviceId: 'device visitor-u-new', deviceStatus: 'trusted' },
        { state: 'recorded', accountId: 'account u-new', deviceId: 'device v-new-2', deviceStatus: 'trusted' },
        { state: 'duplicate' },
        { state: 'token-used', by: ids[4] },
        { state: 'token-used', by: ids[0] },
        { state: 'duplicate' },
        { state: 'duplicate' },
        { state: 'recorded', accountId: 'account u-old', deviceId: 'device v-old', deviceStatus: 'trusted' },
        { state: 'recorded', accountId: 'account u-old', deviceId: null, deviceStatus: null },
        { state: 'recorded', accountId: 'account u-fuzzy', deviceId: 'device v-fuzzy-2', deviceStatus: 'trusted' },
        { state: 'recorded', accountId: 'account u-fuzzy', deviceId: 'device v-fuzzy-2', deviceStatus: 'trusted' },
        { state: 'recorded', accountId: 'account u-shared', deviceId: 'device v-old', deviceStatus: 'shared' },
        { state: 'recorded', accountId: 'account u-fraud', deviceId: 'device v-fraud', deviceStatus: 'fraud' },
      ]);
      const account = (h: string) => x.accounts.find((r) => r.user_hash === h);
      expect(account('u-new')).toMatchObject({
        login_count: 3,
        trusted_logins: 2,
        typing_profile: { n: 5 },
        networks: ['198.51.100.0/24'],
      });
      expect(account('u-old')).toMatchObject({
        login_count: 3,
        trusted_logins: 2,
        countries: ['JP'],
        pointer_profile: { n: 11 },
      });
      expect(x.devices.map((d) => d.visitor_id)).not.toContain('v-fuzzy-1'); // renamed, not added
      expect(x.devices.find((d) => d.visitor_id === 'v-fuzzy-2')).toMatchObject({
        storage_id: 's-fuzzy',
        components: { n: 13 },
      });
      expect(x.devices.find((d) => d.visitor_id === 'visitor-u-new')).toMatchObject({ storage_id: 's-new' });
      expect(x.links).toContainEqual({ user_hash: 'u-new', visitor_id: 'visitor-u-new', status: 'trusted', logins: 2 });
      expect(x.links).toContainEqual({ user_hash: 'u-old', visitor_id: 'v-old', status: 'trusted', logins: 2 });
      expect(x.assessments).toHaveLength(4 + 9);
      await env.sql(`DELETE FROM tenants WHERE id = ANY($1)`, [[inBatch, oneByOne]]);
    });
  });

  describe('a batch loads what its logins loaded one by one would (set-based load)', () => {
    // One tenant, one history; the same queries loaded as one batch and one at a time must answer alike,
    // and each answer must say what the rules say (so that both paths cannot be wrong alike).
    it('two logins of one account, a duplicate, a used token, a missing bundle, a device by storage id', async () => {
      const t = (await env.createTenant('Load batch')).tenantId;
      const earlier = randomUUID();
      const usedToken = randomUUID();
      // history: the account on its device (trusted, token used), another account on the same device
      expect(
        (await record(t, login(earlier, { key: 'lb-earlier', tokenId: usedToken, userHash: 'lb-alice' }))).state,
      ).toBe('recorded');
      expect((await record(t, login(randomUUID(), { userHash: 'lb-bob' }))).state).toBe('recorded');
      await env.sql(
        `UPDATE devices SET storage_id = 'lb-storage' WHERE tenant_id = $1 AND visitor_id = 'visitor-abcdefgh'`,
        [t],
      );
      await env.sql(
        `INSERT INTO list_entries (tenant_id, list, kind, value) VALUES ($1, 'deny', 'user', 'lb-bob'),
           ($1, 'allow', 'ip', '198.51.100.9')`,
        [t],
      );
      const bundleId = randomUUID();
      await env.sql(`INSERT INTO signal_bundles (id, tenant_id, received_at, payload) VALUES ($1, $2, now(), $3)`, [
        bundleId,
        t,
        JSON.stringify({ device: { visitorId: 'visitor-abcdefgh', storageId: null } }),
      ]);
      const missing = randomUUID();
      const queries: LoginStateQuery[] = [
        // two logins of one account, the first through its stored bundle
        query('lb-alice', 'lb-1', { device: null, bundleId, tokenId: bundleId, bundleNear: new Date() }),
        query('lb-alice', 'lb-2', { ip: '198.51.100.9' }),
        // a redelivery of the earlier job (its key), twice in the batch
        query('lb-alice', 'lb-earlier'),
        query('lb-alice', 'lb-earlier'),
        // a token another login used, and the same token twice in the batch
        query('lb-carol', 'lb-3', { tokenId: usedToken }),
        query('lb-carol', 'lb-4', { tokenId: usedToken }),
        // a bundle not stored (yet): no bundle and no device, the rest as always
        query('lb-bob', 'lb-5', { device: null, bundleId: missing, tokenId: missing, bundleNear: new Date() }),
        // a cleared fingerprint, the same storage id
        query('lb-dave', 'lb-6', { device: { visitorId: 'visitor-cleared', storageId: 'lb-storage' } }),
        // a new account on a new device
        query('lb-erin', 'lb-7', { device: { visitorId: 'visitor-new', storageId: null } }),
      ];
      const batch = await repo.loadMany(t, queries);
      const single: LoginState[] = [];
      for (const q of queries) single.push((await repo.loadMany(t, [q]))[0]);
      expect(batch).toEqual(single);

      const [alice1, alice2, dup1, dup2, carol1, carol2, bob, dave, erin] = batch;
      // both logins of the account see it as stored before the batch, on its (trusted) device
      for (const s of [alice1, alice2]) {
        expect(s.account).toMatchObject({ loginCount: 1, trustedLogins: 1 });
        expect(s.device).toMatchObject({ visitorId: 'visitor-abcdefgh', linkStatus: 'trusted', otherAccounts: 1 });
        expect(s.existing).toBeNull();
        expect(s.accountDevices).toHaveLength(1);
      }
      expect(alice1.bundle?.id).toBe(bundleId);
      expect(alice2.bundle).toBeNull();
      expect(alice1.lists).toEqual([]);
      expect(alice2.lists.map((l) => `${l.list}:${l.kind}:${l.value}`)).toEqual(['allow:ip:198.51.100.9']);
      expect(dup1.existing?.id).toBe(earlier);
      expect(dup2.existing?.id).toBe(earlier);
      expect([carol1.tokenUsedBy, carol2.tokenUsedBy]).toEqual([earlier, earlier]);
      expect(carol1.account).toBeNull();
      expect(bob).toMatchObject({ bundle: null, device: null, tokenUsedBy: null, existing: null });
      expect(bob.account).toMatchObject({ loginCount: 1 });
      expect(bob.lists.map((l) => `${l.kind}:${l.value}`)).toEqual(['user:lb-bob']);
      expect(dave.device).toMatchObject({ visitorId: 'visitor-abcdefgh', matchedByStorage: true, linkStatus: null });
      expect(dave.device?.otherAccounts).toBe(2);
      expect(erin).toMatchObject({ account: null, device: null, accountDevices: [], tor: false });
      for (const s of batch) expect(s.policy).toEqual(batch[0].policy);
      await env.sql(`DELETE FROM tenants WHERE id = $1`, [t]);
    });

    it('scores a batch through the scorer: one account twice, a job twice, a token twice, a bundle gone', async () => {
      const t = (await env.createTenant('Score batch')).tenantId;
      const scorer = env.worker!.get(LoginScorer);
      const bundles = env.worker!.get(BundleRepository);
      const now = new Date();
      const tokens = [randomUUID(), randomUUID(), randomUUID()];
      await bundles.insertMany(
        t,
        tokens.slice(0, 2).map((id) => ({
          id,
          receivedAt: now,
          ip: '203.0.113.7',
          userAgent: null,
          origin: null,
          payload: { device: { visitorId: 'visitor-batch', storageId: null, components: { platform: 'Win32' } } },
        })),
      );
      const job = (n: number, userHash: string, token: string): ScoreLoginJobData => ({
        tenantId: t,
        assessmentId: randomUUID(),
        idempotencyKey: `sb-${n}`,
        requestedAt: now.toISOString(),
        event: 'login',
        status: 'succeeded',
        userHash,
        context: { ip: '::ffff:203.0.113.7', userAgent: null, acceptLanguage: 'ja' },
        token: { state: 'valid', bundleId: token },
      });
      const first = job(1, 'sb-alice', tokens[0]);
      const jobs = [
        first,
        job(2, 'sb-alice', tokens[1]),
        { ...first }, // the same job delivered twice
        job(3, 'sb-bob', tokens[0]), // the first login's token again
        job(4, 'sb-carol', tokens[2]), // its bundle is neither stored nor queued
      ];
      // started in one event-loop turn: their loads and records travel as batches
      const [a1, a2, again, replay, gone] = await Promise.all(jobs.map((j) => scorer.score(j)));
      expect(again.answer.id).toBe(a1.answer.id);
      expect([a1.scoredNow, again.scoredNow].filter(Boolean)).toHaveLength(1);
      expect(a2.answer.id).not.toBe(a1.answer.id);
      expect(replay.answer.reasons.map((r) => r.code)).toContain('TOKEN_REPLAYED');
      expect(gone.answer.reasons.map((r) => r.code)).toContain('TOKEN_INVALID');
      const rows = await env.sql<{ user_hash: string; login_count: number; n: number }>(
        `SELECT a.user_hash, a.login_count, (SELECT count(*)::int FROM assessments s
            WHERE s.tenant_id = a.tenant_id AND s.account_id = a.id) AS n
           FROM accounts a WHERE a.tenant_id = $1 ORDER BY a.user_hash`,
        [t],
      );
      expect(rows).toEqual([
        { user_hash: 'sb-alice', login_count: 2, n: 2 },
        { user_hash: 'sb-bob', login_count: 1, n: 1 },
        { user_hash: 'sb-carol', login_count: 1, n: 1 },
      ]);
      expect(
        await env.sql(`SELECT token_id, assessment_id FROM token_uses WHERE tenant_id = $1 ORDER BY 1`, [t]),
      ).toEqual(
        [
          { token_id: tokens[0], assessment_id: first.assessmentId },
          { token_id: tokens[1], assessment_id: jobs[1].assessmentId },
        ].sort((x, y) => (x.token_id < y.token_id ? -1 : 1)),
      );
      await env.sql(`DELETE FROM tenants WHERE id = $1`, [t]);
    });
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
