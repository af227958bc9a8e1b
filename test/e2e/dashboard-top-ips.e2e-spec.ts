import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AdminInsightsRepository,
  ConsoleReads,
  ConsoleRollupRepository,
  IP_SUMMARY_RANGES,
  IpSummaryRepository,
  type IpSummaryRange,
} from '@kizuki/database';
import type { AdminPrincipal } from '../../apps/api/src/admin/auth/admin-session.service';
import { InsightsService } from '../../apps/api/src/admin/insights/insights.service';
import { createTenant } from '../../apps/cli/src/commands/tenants';
import { IpSummaryJob } from '../../apps/worker/src/ip-summary/ip-summary.job';
import { databaseUrl, dropDatabase, migratedDatabase, queryOnce } from '../../fixtures/test-database';

jest.setTimeout(300_000);

/** The test's clock: 00:43 UTC on the 1st: the 24 h crosses midnight UTC and a month's turn. */
const NOW = new Date('2031-02-01T00:43:00Z');
/** The job's snapshots end on the minute two minutes before it runs. */
const AS_OF = new Date('2031-02-01T00:41:00Z');
const MIN = 60_000;
const RANGE_MS: Record<IpSummaryRange, number> = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
/** A burst of denied logins in the 90 s after the first snapshots' end: the first of a live ranking at once. */
const LATE_IP = '198.18.0.9';
const LATE = 3000;

type Row = Record<string, any>;

/**
 * The dashboard's top IPs (issue #19): a busy tenant's from its IP summary snapshot of the range
 * (equal to a raw scan of the snapshot's period, as of its end, not changed by later logins until
 * the next build) without the statement ranking the roll-up's IP lists; a quiet tenant's ranked
 * live as before; never another tenant's; masked for viewers.
 */
describe('dashboard top IPs', () => {
  const dbName = `kizuki_test_daships_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(dbName);
  let owner: DataSource;
  let app: DataSource;
  /** busy at every range */
  let a: string;
  /** busy, with its own heavy IPs (192.0.2.0/29) */
  let b: string;
  /** quiet: its snapshots count fewer than IP_SUMMARY_LIVE_MAX assessments */
  let c: string;

  const sql = async <T = Row>(text: string, params: unknown[] = []): Promise<T[]> => queryOnce<T>(url, text, params);
  const reads = () => new ConsoleReads(app, app);
  const repo = () => new IpSummaryRepository(app, reads());
  const insights = () => new AdminInsightsRepository(app, reads());
  const service = () => new InsightsService(insights(), repo());
  const job = () => new IpSummaryJob(repo(), undefined as never);
  /** The dashboard's answer as the tenant's `role` sees it at `at`. */
  const dashboard = (
    tenantId: string,
    range: IpSummaryRange,
    at: Date,
    role: AdminPrincipal['role'] = 'analyst',
  ): Promise<Row> => service().dashboard({ tenantId, adminId: tenantId, role } as AdminPrincipal, range, at);

  /**
   * `n` assessments of `tenant` from `start`, one every `stepS` seconds: 8 heavy IPs (`heavy`.0–7)
   * with every non-allowed login and some allowed ones, 4 busy IPs only ever allowed (203.0.113.0/30:
   * they fill the top 10 after the heavy ones, by checks), the rest seen once or twice (10.x).
   */
  async function seed(tenant: string, start: string, n: number, stepS: number, heavy: string): Promise<void> {
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
              '[]'::jsonb,
              CASE WHEN g % 13 = 0 THEN NULL
                   WHEN g % 5 = 0 OR g % 11 = 0 OR g % 7 = 0 THEN ($5 || (g % 8))::inet
                   WHEN g % 3 = 0 THEN ('203.0.113.' || (g % 4))::inet
                   ELSE ('10.' || (g % 7) || '.' || ((g / 7) % 250) || '.' || (g % 3))::inet END,
              CASE WHEN g % 4 = 0 THEN 'US' ELSE 'JP' END, 64500 + g % 6,
              $2::timestamptz + make_interval(secs => g * $4)
         FROM generate_series(1, $3) g, acc`,
      [tenant, start, n, stepS, heavy],
    );
  }

  /** The top 10 a raw scan of [from, to) ranks: most non-allowed logins, then most checks, then address. */
  const raw = (tenant: string, from: Date, to: Date): Promise<Row[]> =>
    sql(
      `SELECT host(ip) AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged,
              count(DISTINCT account_id)::int AS users
         FROM assessments WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ip IS NOT NULL
        GROUP BY ip ORDER BY flagged DESC, n DESC, ip LIMIT 10`,
      [tenant, from, to],
    );
  /** The snapshot's own ranking: the IP summary sorted by flagged, its first 10, in the dashboard's fields. */
  const snapshotTop = async (tenant: string, range: IpSummaryRange, at: Date): Promise<Row[]> =>
    (await repo().summary(tenant, range, 'flagged', at)).items
      .slice(0, 10)
      .map((r) => ({ key: r.ip, n: r.checks, flagged: r.flagged, users: r.users }));
  /** What the dashboard answered before snapshots: the repository's ranking of the range's roll-up. */
  const live = async (tenant: string, range: IpSummaryRange, at: Date): Promise<Row> => {
    const d = await dashboard(tenant, range, at);
    return insights().dashboard(tenant, d.from, d.to, d.bucket);
  };
  const keys = (rows: Row[]) => rows.map((r) => r.key);

  beforeAll(async () => {
    ({ owner, app } = await migratedDatabase(dbName));
    a = (await createTenant(owner, 'Top IPs A', ['https://a.example'])).tenantId;
    b = (await createTenant(owner, 'Top IPs B', ['https://b.example'])).tenantId;
    c = (await createTenant(owner, 'Top IPs C', ['https://c.example'])).tenantId;
    // A: every 2 minutes over 31 days, then every 6 s over the last 25 hours (> 10,000 in each range); B: the last
    // 25 hours every 6 s; C: 1,500 over the last day. All before the clock.
    await seed(a, '2030-12-31T00:00:00Z', 31 * 720 - 30, 120, '198.51.100.');
    await seed(a, '2031-01-30T23:43:00Z', 25 * 600 - 10, 6, '198.51.100.');
    await seed(b, '2031-01-30T23:43:00Z', 25 * 600 - 10, 6, '192.0.2.');
    await seed(c, '2031-01-31T00:43:00Z', 1500, 57, '198.51.100.');
    // the worker's roll-up, as it stands at the clock: the dashboard reads its hours and days
    await new ConsoleRollupRepository(app).catchUp(NOW, 2 * MIN);
  });
  afterAll(() => dropDatabase(dbName, app, owner));

  it('before the first snapshot every tenant’s top IPs are ranked live (ipsAsOf null)', async () => {
    for (const range of IP_SUMMARY_RANGES) {
      const d = await dashboard(a, range, NOW);
      expect(d.ipsAsOf).toBeNull();
      expect(d.ips).toEqual((await live(a, range, NOW)).ips);
      expect(d.ips).toEqual(await raw(a, d.from, d.to));
    }
  });

  it('a busy tenant’s 24 h, 7 d and 30 d top IPs are its snapshot’s ranking: the raw scan of its period', async () => {
    expect(await job().run(NOW)).toEqual({ built: 9, skipped: 0 });
    for (const range of IP_SUMMARY_RANGES) {
      const d = await dashboard(a, range, NOW);
      expect(d.ipsAsOf).toEqual(AS_OF);
      expect(d.ips).toEqual(await snapshotTop(a, range, NOW));
      expect(d.ips).toEqual(await raw(a, new Date(AS_OF.getTime() - RANGE_MS[range]), AS_OF));
      // the 8 heavy IPs by non-allowed logins, then the busiest allowed-only ones by checks (not by address)
      expect(
        keys(d.ips)
          .slice(0, 8)
          .every((k) => k.startsWith('198.51.100.')),
      ).toBe(true);
      expect(
        keys(d.ips)
          .slice(8)
          .every((k) => k.startsWith('203.0.113.')),
      ).toBe(true);
      // the rest of the answer is the range up to the clock, as before
      const { ips, ...rest } = await live(a, range, NOW);
      expect(d).toMatchObject(rest);
      expect(ips.length).toBe(10);
    }
  });

  it('a busy tenant’s dashboard does not rank the roll-up’s IP lists at all', async () => {
    // the hours' and days' lists made unreadable as lists: ranking them would fail the statement
    const poison = (t: string) => `UPDATE ${t} SET top_ips = jsonb_build_object('kept', top_ips) WHERE tenant_id = $1`;
    const cure = (t: string) => `UPDATE ${t} SET top_ips = top_ips->'kept' WHERE tenant_id = $1`;
    await sql(poison('console_hours'), [a]);
    await sql(poison('console_days'), [a]);
    try {
      for (const range of IP_SUMMARY_RANGES) {
        const d = await dashboard(a, range, NOW);
        expect(d.ips).toEqual(await snapshotTop(a, range, NOW));
      }
      // the live path does read them
      const d = await dashboard(a, '30d', NOW);
      await expect(insights().dashboard(a, d.from, d.to, 'day')).rejects.toThrow(/extract elements from an object/);
    } finally {
      await sql(cure('console_hours'), [a]);
      await sql(cure('console_days'), [a]);
    }
  });

  it('logins after the snapshot change the totals at once, the top IPs at the next build of each range', async () => {
    const before = Object.fromEntries(
      await Promise.all(IP_SUMMARY_RANGES.map(async (r) => [r, await dashboard(a, r, NOW)] as const)),
    );
    await sql(
      `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision, policy_decision,
                                score, scores, reasons, ip, created_at)
       SELECT gen_random_uuid(), $1, 'late' || g, (SELECT id FROM accounts WHERE tenant_id = $1 LIMIT 1), 'login',
              'failed', 'deny', 'deny', 90, '{}', '[]', $2::inet, $3::timestamptz - make_interval(secs => g * 0.03)
         FROM generate_series(1, $4) g`,
      [a, LATE_IP, NOW, LATE],
    );
    for (const range of IP_SUMMARY_RANGES) {
      const d = await dashboard(a, range, NOW);
      expect(d.ips).toEqual(before[range].ips);
      expect(d.ipsAsOf).toEqual(AS_OF);
      expect(d.totals.total).toBe(before[range].totals.total + LATE);
      expect(d.totals.deny).toBe(before[range].totals.deny + LATE);
      // a live ranking would put it first
      expect(keys((await live(a, range, NOW)).ips)[0]).toBe(LATE_IP);
    }
    // 24 h is rebuilt every 5 minutes, 7 d every 15, 30 d every hour
    const at = (m: number) => new Date(NOW.getTime() + m * MIN);
    const firstIp = async (range: IpSummaryRange, m: number) => {
      const d = await dashboard(a, range, at(m));
      return [d.ipsAsOf, d.ips[0].key];
    };
    await job().run(at(5));
    expect(await firstIp('24h', 5)).toEqual([new Date(AS_OF.getTime() + 5 * MIN), LATE_IP]);
    expect(await firstIp('7d', 5)).toEqual([AS_OF, before['7d'].ips[0].key]);
    await job().run(at(15));
    expect(await firstIp('7d', 15)).toEqual([new Date(AS_OF.getTime() + 15 * MIN), LATE_IP]);
    expect(await firstIp('30d', 15)).toEqual([AS_OF, before['30d'].ips[0].key]);
    await job().run(at(60));
    expect(await firstIp('30d', 60)).toEqual([new Date(AS_OF.getTime() + 60 * MIN), LATE_IP]);
    const d = await dashboard(a, '30d', at(60));
    expect(d.ips[0]).toEqual({ key: LATE_IP, n: LATE, flagged: LATE, users: 1 });
    expect(d.ips).toEqual(await raw(a, new Date(d.ipsAsOf.getTime() - RANGE_MS['30d']), d.ipsAsOf));
  });

  it('a quiet tenant’s top IPs are ranked live even with a snapshot, as before', async () => {
    const [{ n }] = await sql(`SELECT max(assessments)::int AS n FROM ip_summaries WHERE tenant_id = $1`, [c]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(10_000);
    for (const range of IP_SUMMARY_RANGES) {
      const d = await dashboard(c, range, NOW);
      expect(d.ipsAsOf).toBeNull();
      expect(d.ips).toEqual((await live(c, range, NOW)).ips);
      expect(d.ips).toEqual(await raw(c, d.from, d.to));
    }
  });

  it('never shows another tenant’s snapshot', async () => {
    const at = new Date(NOW.getTime() + 60 * MIN);
    for (const range of IP_SUMMARY_RANGES) {
      const da = await dashboard(a, range, at);
      const db = await dashboard(b, range, at);
      expect(da.ipsAsOf).not.toBeNull();
      expect(db.ipsAsOf).toEqual(da.ipsAsOf);
      // B's heavy IPs are B's alone: a read of B's snapshot would bring them into A's list
      expect(
        keys(db.ips)
          .slice(0, 8)
          .every((k) => k.startsWith('192.0.2.')),
      ).toBe(true);
      expect(keys(da.ips).some((k) => k.startsWith('192.0.2.'))).toBe(false);
      const period = (d: typeof da) => [new Date(d.ipsAsOf.getTime() - RANGE_MS[range]), d.ipsAsOf!] as const;
      expect(da.ips).toEqual(await raw(a, ...period(da)));
      expect(db.ips).toEqual(await raw(b, ...period(db)));
    }
    // A without its 30 d snapshot reads live, though B has one
    await sql(`DELETE FROM ip_summaries WHERE tenant_id = $1 AND range = '30d'`, [a]);
    const d = await dashboard(a, '30d', at);
    expect(d.ipsAsOf).toBeNull();
    expect(d.ips).toEqual((await live(a, '30d', at)).ips);
    expect(keys(d.ips).some((k) => k.startsWith('192.0.2.'))).toBe(false);
  });

  it('masks the snapshot’s IPs for viewers', async () => {
    const at = new Date(NOW.getTime() + 60 * MIN);
    const analyst = await dashboard(a, '7d', at, 'analyst');
    const viewer = await dashboard(a, '7d', at, 'viewer');
    expect(viewer.ipsAsOf).toEqual(analyst.ipsAsOf);
    expect(analyst.ipsAsOf).not.toBeNull();
    expect(keys(analyst.ips)).toContain(LATE_IP);
    expect(viewer.ips).toEqual(analyst.ips.map((r: Row) => ({ ...r, key: r.key.replace(/\.\d+$/, '.x') })));
    for (const r of viewer.ips) expect(r.key).toMatch(/^\d+\.\d+\.\d+\.x$/);
  });
});
