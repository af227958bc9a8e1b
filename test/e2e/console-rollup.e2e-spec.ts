import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AdminInsightsRepository, ConsoleReads, ConsoleRollupRepository } from '@kizuki/database';
import { createTenant } from '../../apps/cli/src/commands/tenants';
import { databaseUrl, dropDatabase, migratedDatabase, queryOnce } from '../../fixtures/test-database';

jest.setTimeout(180_000);

/** The test's clock: 02:43 UTC on the first of a month: the ranges cross an hour, midnight UTC and a month's turn. */
const NOW = new Date('2031-02-01T02:43:00Z');
const GRACE_MS = 2 * 60_000;
/** HyperLogLog log2m = 11: ~2.3 % standard error; 3 standard errors */
const DISTINCT_TOLERANCE = 0.07;

type Dashboard = Record<string, any>;

/**
 * The console roll-up (issue #19): the dashboard read from console_days / console_hours /
 * console_bursts (closed days and hours) plus the raw rows of its open edges gives the raw queries'
 * exact counts, and distinct users and IPs within the sketch's error, with the hll extension and
 * without it (Kizuki's own registers), for two tenants that never see each other's rows; the days
 * give the hours' answer exactly.
 */
describe('console roll-up', () => {
  const dbName = `kizuki_test_rollup_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(dbName);
  let owner: DataSource;
  let app: DataSource;
  let a: string;
  let b: string;

  /** As the owner, without the apps' statement timeout (the seed and the raw answers on a loaded machine). */
  const sql = async <T = any>(text: string, params: unknown[] = []): Promise<T[]> => queryOnce<T>(url, text, params);
  const insights = () => new AdminInsightsRepository(app, new ConsoleReads(app, app));

  /**
   * `n` assessments of `tenant` from `start`, one every `stepS` seconds: decisions, statuses,
   * reasons, countries and ASNs from the row number; a few heavy IPs with many non-allowed logins.
   */
  async function seed(tenant: string, start: string, n: number, stepS: number, country: string): Promise<void> {
    await sql(
      `INSERT INTO accounts (tenant_id, user_hash) SELECT $1::uuid, md5($1::text || g) FROM generate_series(1, 400) g
       ON CONFLICT DO NOTHING`,
      [tenant],
    );
    await sql(
      `WITH acc AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts WHERE tenant_id = $1)
       INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision, policy_decision,
                                score, scores, reasons, ip, country, asn, label, created_at)
       SELECT gen_random_uuid(), $1::uuid, md5(random()::text), acc.ids[1 + (g * 37) % 400],
              CASE WHEN g % 9 = 0 THEN 'registration' ELSE 'login' END,
              CASE WHEN g % 7 = 0 THEN 'failed' ELSE 'succeeded' END,
              CASE WHEN g % 11 = 0 THEN 'deny' WHEN g % 5 = 0 THEN 'challenge' ELSE 'allow' END, 'allow', 10, '{}',
              CASE WHEN g % 11 = 0 THEN '[{"code":"DENYLISTED","detail":"ip"}]'::jsonb
                   WHEN g % 5 = 0 THEN '[{"code":"NEW_DEVICE","detail":"x"},{"code":"NEW_COUNTRY","detail":"y"}]'::jsonb
                   WHEN g % 3 = 0 THEN '[{"code":"KNOWN_DEVICE","detail":"x"}]'::jsonb ELSE '[]'::jsonb END,
              CASE WHEN g % 13 = 0 THEN NULL
                   WHEN g % 5 = 0 OR g % 11 = 0 THEN ('198.51.100.' || (g % 4))::inet
                   ELSE ('10.' || (g % 50) || '.' || (g % 23) || '.1')::inet END,
              CASE WHEN g % 17 = 0 THEN NULL WHEN g % 4 = 0 THEN 'US' ELSE $5 END, 64500 + g % 6,
              CASE WHEN g % 97 = 0 THEN 'fraud' END,
              $2::timestamptz + make_interval(secs => g * $4)
         FROM generate_series(1, $3) g, acc`,
      [tenant, start, n, stepS, country],
    );
  }

  /** The answers the raw queries give (the dashboard before the roll-up), exact. */
  async function rawDashboard(tenant: string, from: Date, to: Date, bucket: 'hour' | 'day'): Promise<Dashboard> {
    const p = [tenant, from, to];
    const range = `tenant_id = $1 AND created_at >= $2 AND created_at < $3`;
    const series = await sql(
      `WITH b AS (SELECT generate_series(date_trunc('${bucket}', $2::timestamptz), $3::timestamptz,
                                         interval '1 ${bucket}') AS t),
            c AS (SELECT date_trunc('${bucket}', created_at) AS t,
                         count(*) FILTER (WHERE decision = 'allow')::int AS allow,
                         count(*) FILTER (WHERE decision = 'challenge')::int AS challenge,
                         count(*) FILTER (WHERE decision = 'deny')::int AS deny,
                         count(DISTINCT account_id)::int AS users, count(DISTINCT ip)::int AS ips
                    FROM assessments WHERE ${range} GROUP BY 1)
       SELECT b.t, coalesce(c.allow, 0) AS allow, coalesce(c.challenge, 0) AS challenge,
              coalesce(c.deny, 0) AS deny, coalesce(c.users, 0) AS users, coalesce(c.ips, 0) AS ips
         FROM b LEFT JOIN c ON c.t = b.t ORDER BY b.t`,
      p,
    );
    const reasons = await sql(
      `SELECT r->>'code' AS code, count(*)::int AS n FROM assessments, jsonb_array_elements(reasons) r
        WHERE ${range} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    const top = (col: string) =>
      sql(
        `SELECT ${col}::text AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged
           FROM assessments WHERE ${range} AND ${col} IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10`,
        p,
      );
    const ips = await sql(
      `SELECT host(ip) AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged,
              count(DISTINCT account_id)::int AS users
         FROM assessments WHERE ${range} AND ip IS NOT NULL GROUP BY ip ORDER BY flagged DESC, n DESC, 1 LIMIT 4`,
      p,
    );
    const bursts = await sql(
      `WITH w AS (
         SELECT to_timestamp(floor(extract(epoch FROM created_at) / 600) * 600) AS t, count(*)::int AS n,
                count(*) FILTER (WHERE status = 'failed' OR decision <> 'allow')::int AS bad,
                count(DISTINCT account_id)::int AS users, count(DISTINCT ip)::int AS ips
           FROM assessments WHERE ${range} GROUP BY 1)
       SELECT * FROM w WHERE bad >= greatest(5, 3 * (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY bad) FROM w))
        ORDER BY bad DESC, t LIMIT 8`,
      p,
    );
    const [totals] = await sql(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE decision = 'allow')::int AS allow,
              count(*) FILTER (WHERE decision = 'challenge')::int AS challenge,
              count(*) FILTER (WHERE decision = 'deny')::int AS deny,
              count(*) FILTER (WHERE label = 'fraud')::int AS fraud, count(DISTINCT account_id)::int AS users,
              count(DISTINCT ip)::int AS ips
         FROM assessments WHERE ${range}`,
      p,
    );
    const weeks = await sql(
      `SELECT date_trunc('week', created_at, 'UTC') AS "from", count(DISTINCT account_id)::int AS users,
              count(DISTINCT ip)::int AS ips FROM assessments WHERE ${range} GROUP BY 1 ORDER BY 1`,
      p,
    );
    return { series, reasons, countries: await top('country'), asns: await top('asn'), ips, bursts, totals, weeks };
  }

  const near = (got: number, want: number) => {
    if (want < 50) expect(Math.abs(got - want)).toBeLessThanOrEqual(1);
    else expect(Math.abs(got - want) / want).toBeLessThan(DISTINCT_TOLERANCE);
  };

  /** The roll-up's dashboard equals the raw one: counts exactly, distinct counts within the sketch's error. */
  function expectSame(got: Dashboard, raw: Dashboard): void {
    const counts = (rows: any[]) =>
      rows.map((r) => ({ t: new Date(r.t).toISOString(), allow: r.allow, challenge: r.challenge, deny: r.deny }));
    expect(counts(got.series)).toEqual(counts(raw.series));
    got.series.forEach((r: any, i: number) => {
      near(r.users, raw.series[i].users);
      near(r.ips, raw.series[i].ips);
    });
    expect(got.reasons).toEqual(raw.reasons.slice(0, 12));
    expect(got.countries).toEqual(raw.countries);
    expect(got.asns).toEqual(raw.asns);
    // the heavy IPs (198.51.100.0/30) lead the non-allowed ranking, their users counted exactly
    expect(got.ips.slice(0, 4)).toEqual(raw.ips);
    const burst = (rows: any[]) => rows.map((r) => ({ ...r, t: new Date(r.t).toISOString() }));
    expect(burst(got.bursts)).toEqual(burst(raw.bursts));
    const { users, ips, ...exact } = raw.totals;
    expect(got.totals).toMatchObject(exact);
    near(got.totals.users, users);
    near(got.totals.ips, ips);
    expect(got.weeks.map((w: any) => new Date(w.from).toISOString())).toEqual(
      raw.weeks.map((w: any) => new Date(w.from).toISOString()),
    );
    got.weeks.forEach((w: any, i: number) => {
      near(w.users, raw.weeks[i].users);
      near(w.ips, raw.weeks[i].ips);
    });
  }

  const ranges: [string, Date, 'hour' | 'day'][] = [
    // 24 h by hour: a partial first hour, closed hours across midnight UTC and the month's turn, the open hour
    ['24h', new Date(NOW.getTime() - 24 * 3600_000), 'hour'],
    // 7 d by day: two UTC weeks (Sunday the 26th, then Monday the 27th on)
    ['7d', new Date(NOW.getTime() - 7 * 24 * 3600_000), 'day'],
    // on the hour, as the console asks: no raw first hour
    ['7d on the hour', new Date('2031-01-25T02:00:00Z'), 'day'],
    // 30 d by day: a partial first hour, the rest of 2 January by hour, whole days to 31 January, then 1 February
    ['30d', new Date(NOW.getTime() - 30 * 24 * 3600_000), 'day'],
    // from December on the hour: days across the year's and the month's turn
    ['36d on the hour', new Date('2030-12-27T06:00:00Z'), 'day'],
  ];
  /** The dashboard each range gives as the tenant's analyst would see it. */
  const dashboards = async (tenant: string): Promise<Dashboard[]> => {
    const out: Dashboard[] = [];
    for (const [, from, bucket] of ranges) out.push(await insights().dashboard(tenant, from, NOW, bucket));
    return out;
  };

  beforeAll(async () => {
    ({ owner, app } = await migratedDatabase(dbName));
    a = (await createTenant(owner, 'Rollup A', ['https://a.example'])).tenantId;
    b = (await createTenant(owner, 'Rollup B', ['https://b.example'])).tenantId;
    // A: every 150 s from 27 December to 23 January, then every 20 s from the 25th to past the clock (rows after
    // NOW are not in any range); B: its own country
    await seed(a, '2030-12-27T05:00:11Z', 16_000, 150, 'JP');
    await seed(a, '2031-01-25T00:00:07Z', 7 * 24 * 180 + 600, 20, 'JP');
    await seed(b, '2031-01-31T12:00:00Z', 1500, 37, 'KR');
  });
  afterAll(() => dropDatabase(dbName, app, owner));

  it('runs with the hll extension on this server (the CI installs postgresql-15-hll)', async () => {
    expect((await sql(`SELECT kizuki_console_sketch_kind() AS k`))[0].k).toBe('hll');
  });

  it('before any roll-up the dashboard reads the raw rows, with the same answers', async () => {
    for (const [, from, bucket] of ranges) {
      expectSame(await insights().dashboard(a, from, NOW, bucket), await rawDashboard(a, from, NOW, bucket));
    }
  });

  it('the roll-up job rolls up to the last closed 10-minute window (backfilling from the oldest row)', async () => {
    const rollup = new ConsoleRollupRepository(app);
    const first = await rollup.catchUp(NOW, GRACE_MS);
    expect(first.tenants).toBe(2);
    const state = await sql(`SELECT tenant_id, rolled_until, days_until FROM console_rollup_state`);
    expect(state.map((s) => [s.rolled_until.toISOString(), s.days_until.toISOString()])).toEqual([
      ['2031-02-01T02:40:00.000Z', '2031-02-01T00:00:00.000Z'],
      ['2031-02-01T02:40:00.000Z', '2031-02-01T00:00:00.000Z'],
    ]);
    const [hours] = await sql(
      `SELECT count(*)::int AS n, min(hour) AS first FROM console_hours WHERE tenant_id = $1 AND hour >= $2`,
      [a, '2031-01-25T00:00:00Z'],
    );
    // 7 days, then 00:00, 01:00 and 02:00 to 02:40 (the hour under way, up to its last closed 10-minute window)
    expect(hours).toEqual({ n: 7 * 24 + 3, first: new Date('2031-01-25T00:00:00Z') });
    // the closed UTC days, 27 December to 31 January except the 24th (no assessment): not 1 February (open)
    const days = await sql<{ day: Date }>(`SELECT day FROM console_days WHERE tenant_id = $1 ORDER BY day`, [a]);
    expect(days.map((d) => d.day.toISOString().slice(0, 10))).toEqual(
      Array.from({ length: 36 }, (_, i) => new Date(Date.UTC(2030, 11, 27 + i)).toISOString().slice(0, 10)).filter(
        (d) => d !== '2031-01-24',
      ),
    );
    // again: nothing pending
    expect(await rollup.catchUp(NOW, GRACE_MS)).toEqual({ tenants: 0, hours: 0 });
    for (const [, from, bucket] of ranges) {
      expectSame(await insights().dashboard(a, from, NOW, bucket), await rawDashboard(a, from, NOW, bucket));
      expectSame(await insights().dashboard(b, from, NOW, bucket), await rawDashboard(b, from, NOW, bucket));
    }
  });

  it("a tenant never sees another's roll-up", async () => {
    const d: Dashboard = await insights().dashboard(b, ranges[1][1], NOW, 'day');
    expect(d.countries.map((c: { key: string }) => c.key).sort()).toEqual(['KR', 'US']);
    expect(d.totals.total).toBe((await rawDashboard(b, ranges[1][1], NOW, 'day')).totals.total);
    const rows = await app.transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [b]);
      return m.query(
        `SELECT (SELECT count(*) FROM console_hours WHERE tenant_id = $1)::int AS hours,
                (SELECT count(*) FROM console_days WHERE tenant_id = $1)::int AS days,
                (SELECT count(*) FROM console_bursts WHERE tenant_id = $1)::int AS bursts,
                (SELECT count(*) FROM console_rollup_state WHERE tenant_id = $1)::int AS state`,
        [a],
      );
    });
    expect(rows[0]).toEqual({ hours: 0, days: 0, bursts: 0, state: 0 });
    await expect(app.query(`UPDATE console_rollup_state SET rolled_until = now()`)).rejects.toThrow(/permission/);
  });

  it('the days give the answer of their hours, and are merged again when their hours are', async () => {
    await daysEqualHours('2031-01-03T10:00Z');
  });

  /**
   * Each range's dashboard with the daily rows equals the one from the hours alone, to the last
   * distinct count (a day's sketch is the union of its hours'); a tenant with hours and no days (a
   * deployment from before the daily roll-up) gets them on the job's next run; a past hour rolled up
   * again makes its day (and the later ones) merged again.
   */
  async function daysEqualHours(lateHour: string): Promise<void> {
    const countDays = async () =>
      (await sql(`SELECT count(*)::int AS n FROM console_days WHERE tenant_id = $1`, [a]))[0].n;
    expect(await countDays()).toBe(35);
    const withDays = await dashboards(a);
    await sql(`DELETE FROM console_days WHERE tenant_id = $1`, [a]);
    await sql(`UPDATE console_rollup_state SET days_until = NULL WHERE tenant_id = $1`, [a]);
    expect(await dashboards(a)).toEqual(withDays);
    // the job's runs in the hour under way merge them again, a week per run (the hours answer for the rest)
    const jobRun = () =>
      new ConsoleRollupRepository(app).rollup(a, new Date('2031-02-01T02:00:00Z'), new Date(NOW.getTime() - GRACE_MS));
    await jobRun();
    expect(await countDays()).toBe(7);
    expect(await dashboards(a)).toEqual(withDays);
    for (let run = 2; run <= 6; run++) await jobRun(); // 36 calendar days, one without an assessment
    expect(await countDays()).toBe(35);
    expect(await dashboards(a)).toEqual(withDays);
    // logins of an hour of 3 January denied late and the hour rolled up again by hand: its day follows
    const day3 = `SELECT deny, total FROM console_days WHERE tenant_id = $1 AND day = '2031-01-03Z'`;
    const [before] = await sql(day3, [a]);
    await sql(
      `UPDATE assessments SET decision = 'deny' WHERE tenant_id = $1 AND created_at >= $2::timestamptz
          AND created_at < $2::timestamptz + interval '1 hour' AND decision = 'allow'`,
      [a, lateHour],
    );
    await sql(`SELECT kizuki_console_rollup($1, $2::timestamptz, $2::timestamptz + interval '1 hour')`, [a, lateHour]);
    const dayCounts = `SELECT count(*) FILTER (WHERE decision = 'deny')::int AS deny, count(*)::int AS total
      FROM assessments WHERE tenant_id = $1 AND created_at >= '2031-01-03Z' AND created_at < '2031-01-04Z'`;
    const [raw] = await sql(dayCounts, [a]);
    expect(raw.deny).toBeGreaterThan(before.deny);
    expect(await sql(day3, [a])).toEqual([raw]);
    expect(await countDays()).toBe(35);
    const [state] = await sql(`SELECT days_until FROM console_rollup_state WHERE tenant_id = $1`, [a]);
    expect(state.days_until).toEqual(new Date('2031-02-01T00:00:00Z'));
    for (const [, from, bucket] of ranges) {
      expectSame(await insights().dashboard(a, from, NOW, bucket), await rawDashboard(a, from, NOW, bucket));
    }
  }

  it('without the extension (Kizuki keeps its own HyperLogLog registers) the answers are the same', async () => {
    const withHll = await dashboards(a);
    await sql(`DROP EXTENSION hll`);
    try {
      expect((await sql(`SELECT kizuki_console_sketch_kind() AS k`))[0].k).toBe('registers');
      // the documented rebuild after the extension comes or goes
      for (const t of ['console_rollup_state', 'console_hours', 'console_days', 'console_bursts']) {
        await sql(`DELETE FROM ${t}`);
      }
      await new ConsoleRollupRepository(app).catchUp(NOW, GRACE_MS);
      const [{ len, dayLen }] = await sql(
        `SELECT (SELECT min(length(users)) FROM console_hours)::int AS len,
                (SELECT min(length(users)) FROM console_days)::int AS "dayLen"`,
      );
      expect([len, dayLen]).toEqual([2048, 2048]);
      for (const [i, [, from, bucket]] of ranges.entries()) {
        const got: Dashboard = await insights().dashboard(a, from, NOW, bucket);
        expectSame(got, await rawDashboard(a, from, NOW, bucket));
        // and within the error of the hll path's answers
        near(got.totals.users, withHll[i].totals.users);
        near(got.totals.ips, withHll[i].totals.ips);
      }
      await daysEqualHours('2031-01-03T14:00Z');
    } finally {
      await sql(`CREATE EXTENSION IF NOT EXISTS hll`);
    }
  });
});
