import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { KizukiConfig } from '@kizuki/config';
import {
  AdminInsightsRepository,
  ConsoleReads,
  IP_SUMMARY_RANGES,
  IP_SUMMARY_SORTS,
  IpSummaryRepository,
  type IpSummaryRange,
  type IpSummarySort,
  RetentionRepository,
} from '@kizuki/database';
import { InsightsService } from '../../apps/api/src/admin/insights/insights.service';
import type { AdminPrincipal } from '../../apps/api/src/admin/auth/admin-session.service';
import { createTenant } from '../../apps/cli/src/commands/tenants';
import { IpSummaryJob } from '../../apps/worker/src/ip-summary/ip-summary.job';
import { RetentionJob } from '../../apps/worker/src/retention/retention.job';
import { databaseUrl, dropDatabase, migratedDatabase, queryOnce } from '../../fixtures/test-database';

jest.setTimeout(300_000);

/** The test's clock: 00:43 UTC on the 1st: the 24 h crosses midnight UTC and a month's (partition's) turn. */
const NOW = new Date('2031-02-01T00:43:00Z');
/** The job's snapshots end on the minute two minutes before it runs. */
const AS_OF = new Date('2031-02-01T00:41:00Z');
const RANGE_MS: Record<IpSummaryRange, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const SORTS = Object.keys(IP_SUMMARY_SORTS) as IpSummarySort[];
const ORDER: Record<IpSummarySort, string> = {
  checks: 'checks DESC',
  users: 'users DESC',
  failures: 'failures DESC',
  flagged: 'flagged DESC, checks DESC',
  last: '"lastSeen" DESC',
};

type Row = Record<string, any>;

/**
 * The IP summary (issue #19): a busy tenant's read from the snapshot the worker's job builds, a
 * quiet one's live, and either equal to a raw scan of the period it names (every range and sort),
 * tenant-scoped, masked for viewers, and dropped by retention with the assessments it was made of.
 */
describe('IP summary', () => {
  const dbName = `kizuki_test_ipsum_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(dbName);
  let owner: DataSource;
  let app: DataSource;
  let a: string;
  let b: string;

  /** As the owner, without the apps' statement timeout. */
  const sql = async <T = Row>(text: string, params: unknown[] = []): Promise<T[]> => queryOnce<T>(url, text, params);
  const repo = () => new IpSummaryRepository(app, new ConsoleReads(app, app));
  const job = () => new IpSummaryJob(repo(), undefined as never);

  /**
   * `n` assessments of `tenant` from `start`, one every `stepS` seconds: most IPs seen once or twice
   * (10.x), a few heavy ones shared by many accounts (198.51.100.0/29) with failures, non-allowed
   * logins and network reasons; countries and ASNs from the row number.
   */
  async function seed(tenant: string, start: string, n: number, stepS: number, country: string): Promise<void> {
    await sql(
      `INSERT INTO accounts (tenant_id, user_hash) SELECT $1::uuid, md5($1::text || g) FROM generate_series(1, 300) g
       ON CONFLICT DO NOTHING`,
      [tenant],
    );
    await sql(
      `WITH acc AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts WHERE tenant_id = $1)
       INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision, policy_decision,
                                score, scores, reasons, ip, country, asn, created_at)
       SELECT gen_random_uuid(), $1::uuid, md5(random()::text), acc.ids[1 + (g * 37) % 300], 'login',
              CASE WHEN g % 7 = 0 THEN 'failed' ELSE 'succeeded' END,
              CASE WHEN g % 11 = 0 THEN 'deny' WHEN g % 5 = 0 THEN 'challenge' ELSE 'allow' END, 'allow', 10, '{}',
              CASE WHEN g % 11 = 0 THEN '[{"code":"TOR_EXIT","detail":"x"}]'::jsonb
                   WHEN g % 5 = 0
                     THEN '[{"code":"DATACENTER_IP","detail":"x"},{"code":"NEW_DEVICE","detail":"y"}]'::jsonb
                   WHEN g % 13 = 0 THEN '[{"code":"FOREIGN_IP_AND_LANGUAGE","detail":"x"}]'::jsonb
                   ELSE '[]'::jsonb END,
              CASE WHEN g % 19 = 0 THEN NULL
                   WHEN g % 5 = 0 OR g % 11 = 0 THEN ('198.51.100.' || (g % 8))::inet
                   ELSE ('10.' || (g % 7) || '.' || ((g / 7) % 250) || '.' || (g % 3))::inet END,
              CASE WHEN g % 17 = 0 THEN NULL WHEN g % 4 = 0 THEN 'US' ELSE $5 END,
              CASE WHEN g % 23 = 0 THEN NULL ELSE 64500 + g % 6 END,
              $2::timestamptz + make_interval(secs => g * $4)
         FROM generate_series(1, $3) g, acc`,
      [tenant, start, n, stepS, country],
    );
  }

  /**
   * A scan of [from, to) as the console made before snapshots: the top 500 by `sort`, ties by
   * address (flagged's by checks first).
   */
  async function raw(tenant: string, from: Date, to: Date, sort: IpSummarySort): Promise<Row[]> {
    const rows = await sql(
      `SELECT host(ip) AS ip, count(*)::int AS checks, count(DISTINCT account_id)::int AS users,
              count(*) FILTER (WHERE status = 'failed')::int AS failures,
              count(*) FILTER (WHERE decision <> 'allow')::int AS flagged,
              count(*) FILTER (WHERE decision = 'deny')::int AS denied,
              ARRAY(SELECT DISTINCT c FROM unnest(array_agg(country)) c WHERE c IS NOT NULL ORDER BY 1) AS countries,
              max(asn) AS asn,
              bool_or(reasons @> '[{"code":"DATACENTER_IP"}]') AS datacenter,
              bool_or(reasons @> '[{"code":"TOR_EXIT"}]') AS tor,
              bool_or(reasons @> '[{"code":"FOREIGN_IP_AND_LANGUAGE"}]') AS foreign, max(created_at) AS "lastSeen"
         FROM assessments a WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ip IS NOT NULL
        GROUP BY a.ip ORDER BY ${ORDER[sort]}, a.ip LIMIT 500`,
      [tenant, from, to],
    );
    return rows.map(norm);
  }
  const norm = (r: Row): Row => ({ ...r, lastSeen: new Date(r.lastSeen).toISOString() });

  beforeAll(async () => {
    ({ owner, app } = await migratedDatabase(dbName));
    a = (await createTenant(owner, 'IPs A', ['https://a.example'])).tenantId;
    b = (await createTenant(owner, 'IPs B', ['https://b.example'])).tenantId;
    // A: every 40 s from 9 days before the clock to past it (rows after it are in no period); B: the same IPs, fewer
    await seed(a, '2031-01-23T00:00:05Z', 9 * 2160 + 200, 40, 'JP');
    await seed(b, '2031-01-30T12:00:00Z', 1800, 71, 'KR');
  });
  afterAll(() => dropDatabase(dbName, app, owner));

  it('with no snapshot the console reads the period live: equal to the raw scan for every range and sort', async () => {
    for (const range of IP_SUMMARY_RANGES) {
      for (const sort of SORTS) {
        const got = await repo().summary(a, range, sort, NOW);
        expect(got.asOf).toBeNull();
        expect(got.to).toEqual(NOW);
        expect(got.from).toEqual(new Date(NOW.getTime() - RANGE_MS[range]));
        expect(got.items.map(norm)).toEqual(await raw(a, got.from, got.to, sort));
      }
    }
  });

  it('the job builds every tenant’s snapshots, and the console reads them: the raw scan of their period', async () => {
    expect(await job().run(NOW)).toEqual({ built: 6, skipped: 0 });
    const snaps = await sql(
      `SELECT range, period_from, period_to, assessments::int AS n FROM ip_summaries WHERE tenant_id = $1
        ORDER BY period_from DESC`,
      [a],
    );
    expect(snaps.map((s) => [s.range, s.period_to.toISOString()])).toEqual(
      IP_SUMMARY_RANGES.map((r) => [r, AS_OF.toISOString()]),
    );
    const [{ n24 }] = await sql(
      `SELECT count(*)::int AS n24 FROM assessments WHERE tenant_id = $1 AND ip IS NOT NULL
          AND created_at >= $2 AND created_at < $3`,
      [a, new Date(AS_OF.getTime() - RANGE_MS['24h']), AS_OF],
    );
    expect(snaps[0].n).toBe(n24);
    // a login after the snapshot's end: in the live read, not in the snapshot's period
    await sql(
      `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision, policy_decision,
                                score, scores, reasons, ip, created_at)
       SELECT gen_random_uuid(), $1, 'late', id, 'login', 'failed', 'deny', 'deny', 90, '{}', '[]', '203.0.113.9', $2
         FROM accounts WHERE tenant_id = $1 LIMIT 1`,
      [a, new Date(NOW.getTime() - 5_000)],
    );
    for (const range of IP_SUMMARY_RANGES) {
      for (const sort of SORTS) {
        // liveMax 1: every snapshot here is "busy" (the default reads these small periods live)
        const got = await repo().summary(a, range, sort, NOW, { liveMax: 1 });
        expect(got.asOf).toEqual(AS_OF);
        expect(got.from).toEqual(new Date(AS_OF.getTime() - RANGE_MS[range]));
        expect(got.items.map(norm)).toEqual(await raw(a, got.from, got.to, sort));
        expect(got.items.length).toBeGreaterThan(0);
        expect(got.items.some((r) => r.ip === '203.0.113.9')).toBe(false);
      }
    }
    // the quiet default: live, with the late login
    const live = await repo().summary(a, '24h', 'last', NOW);
    expect(live.asOf).toBeNull();
    expect(live.items[0]).toMatchObject({ ip: '203.0.113.9', checks: 1, denied: 1 });
  });

  it('rebuilds each range on its own interval', async () => {
    const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
    expect(await job().run(at(1))).toEqual({ built: 0, skipped: 0 });
    // 24 h every 5 minutes (both tenants), 7 d every 15, 30 d every hour
    expect(await job().run(at(5))).toEqual({ built: 2, skipped: 0 });
    expect(await job().run(at(15))).toEqual({ built: 4, skipped: 0 });
    expect(await job().run(at(60))).toEqual({ built: 6, skipped: 0 });
    const got = await repo().summary(a, '24h', 'flagged', at(60), { liveMax: 1 });
    expect(got.asOf).toEqual(new Date(AS_OF.getTime() + 60 * 60_000));
    expect(got.items.map(norm)).toEqual(await raw(a, got.from, got.to, 'flagged'));
    // the late login is in this one's period
    expect(got.items.some((r) => r.ip === '203.0.113.9')).toBe(true);
    // a concurrent build of the same snapshot (another worker) waits for nothing and builds nothing
    const to = new Date(AS_OF.getTime() + 2 * 3_600_000);
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`BEGIN`);
      await c.query(`SELECT kizuki_ip_summary_build($1, '24h', $2, 500)`, [a, to]);
      expect(await repo().build(a, '24h', to, 60_000)).toBe(-1);
      await c.query(`COMMIT`);
    } finally {
      await c.end();
    }
    expect(await repo().build(a, '24h', to, 60_000)).toBe(-1); // as recent as the one just built
  });

  it('is tenant-scoped: B sees its own figures for the same IPs, never A’s rows', async () => {
    const at = new Date(NOW.getTime() + 60 * 60_000);
    for (const sort of SORTS) {
      const got = await repo().summary(b, '7d', sort, at, { liveMax: 1 });
      expect(got.items.map(norm)).toEqual(await raw(b, got.from, got.to, sort));
    }
    const heavyA = (await repo().summary(a, '7d', 'checks', at, { liveMax: 1 })).items[0];
    const heavyB = (await repo().summary(b, '7d', 'checks', at, { liveMax: 1 })).items.find((r) => r.ip === heavyA.ip);
    expect(heavyB?.checks).toBeLessThan(heavyA.checks);
    const rows = await app.transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [b]);
      return m.query(
        `SELECT (SELECT count(*) FROM ip_summaries WHERE tenant_id = $1)::int AS snaps,
                (SELECT count(*) FROM ip_summary_rows WHERE tenant_id = $1)::int AS rows,
                (SELECT count(*) FROM kizuki_ip_summary_scan($1, $2, $3, 500))::int AS scanned`,
        [a, new Date(at.getTime() - RANGE_MS['30d']), at],
      );
    });
    expect(rows[0]).toEqual({ snaps: 0, rows: 0, scanned: 0 });
    await expect(app.query(`UPDATE ip_summaries SET period_to = now()`)).rejects.toThrow(/permission/);
    await expect(
      app.query(`INSERT INTO ip_summaries VALUES ($1, '24h', now(), now(), 0, NULL, now(), 0)`, [b]),
    ).rejects.toThrow(/permission/);
  });

  it('masks the IPs for viewers', async () => {
    const service = new InsightsService(new AdminInsightsRepository(app, new ConsoleReads(app, app)), repo());
    const who = (role: AdminPrincipal['role']) => ({ tenantId: a, adminId: a, role }) as AdminPrincipal;
    const analyst = await service.ips(who('analyst'), '24h', 'checks', NOW);
    const viewer = await service.ips(who('viewer'), '24h', 'checks', NOW);
    expect(analyst.items.some((r) => r.ip?.startsWith('198.51.100.'))).toBe(true);
    expect(viewer.items.length).toBe(analyst.items.length);
    for (const r of viewer.items) expect(r.ip).toMatch(/^\d+\.\d+\.\d+\.x$/);
  });

  it('retention drops snapshots holding an expired assessment; the next build holds only what is kept', async () => {
    const at = new Date(NOW.getTime() + 2 * 3_600_000);
    await sql(`UPDATE tenants SET retention = '{"assessmentsDays": 3}' WHERE id = $1`, [a]);
    const retention = new RetentionJob(
      { RETENTION_BATCH_SIZE: 5000 } as KizukiConfig,
      new RetentionRepository(app),
      undefined as never,
    );
    const purged = await retention.run(at, a);
    expect(purged.assessments).toBeGreaterThan(0);
    // 7 d and 30 d held logins older than 3 days; the 24 h did not
    expect(purged.ipSummaries).toBe(2);
    const left = await sql(`SELECT range FROM ip_summaries WHERE tenant_id = $1`, [a]);
    expect(left.map((r) => r.range)).toEqual(['24h']);
    expect(await sql(`SELECT count(*)::int AS n FROM ip_summaries WHERE tenant_id = $1`, [b])).toEqual([{ n: 3 }]);
    expect((await job().run(at)).built).toBeGreaterThanOrEqual(2);
    const [{ oldest }] = await sql(`SELECT min(oldest) AS oldest FROM ip_summaries WHERE tenant_id = $1`, [a]);
    expect(oldest.getTime()).toBeGreaterThanOrEqual(at.getTime() - 3 * 86_400_000);
    const got = await repo().summary(a, '30d', 'users', at, { liveMax: 1 });
    expect(got.items.map(norm)).toEqual(await raw(a, got.from, got.to, 'users'));
  });
});
