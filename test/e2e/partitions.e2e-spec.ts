// Time partitions (kizuki_partitions_run): signal bundles by UTC day, assessments by UTC month,
// made ahead by kizuki_maintain_partitions() and dropped whole once every tenant's retention has
// passed them. kizuki_partitions_run(p_now) is the same upkeep on a given clock, callable only by
// the owner: the tests move the clock with it.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { BundleRepository } from '@kizuki/database';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

const DAY_MS = 86_400_000;

describe('time partitions (real PostgreSQL)', () => {
  const env = new KizukiEnv();
  let a: string;
  let b: string;

  beforeAll(async () => {
    await env.start();
    a = (await env.createTenant('A')).tenantId;
    b = (await env.createTenant('B')).tenantId;
  });
  afterAll(() => env.stop());

  const partitions = async (parent: string) =>
    (
      await env.sql<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
          WHERE h.inhparent = $1::regclass ORDER BY 1`,
        [parent],
      )
    ).map((r) => r.name);
  const dayName = (t: Date) => `signal_bundles_p${t.toISOString().slice(0, 10).replace(/-/g, '')}`;
  const monthName = (t: Date) => `assessments_p${t.toISOString().slice(0, 7).replace('-', '')}`;
  const addMonths = (t: Date, n: number) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + n, 1));
  const bundleAt = async (tenantId: string, at: Date) => {
    const id = randomUUID();
    await env.sql(`INSERT INTO signal_bundles (id, tenant_id, received_at, payload) VALUES ($1, $2, $3, '{}')`, [
      id,
      tenantId,
      at,
    ]);
    return id;
  };
  const whereIs = async (id: string) =>
    (await env.sql<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM signal_bundles WHERE id = $1`, [id]))[0]
      ?.p ?? null;
  /** kizuki_partitions_run as of `now`, as the owner */
  const runAt = async (now: Date) =>
    env.sql<{ action: string; partition_name: string }>(`SELECT * FROM kizuki_partitions_run($1)`, [now]);

  it(
    'has the coming partitions made: bundles for yesterday, today and 7 days ahead, ' +
      'assessments for last month, this one and 2 ahead',
    async () => {
      const now = new Date();
      const days = await partitions('signal_bundles');
      for (let i = -1; i <= 7; i++) expect(days).toContain(dayName(new Date(now.getTime() + i * DAY_MS)));
      expect(days).toContain('signal_bundles_default');
      const months = await partitions('assessments');
      for (let i = -1; i <= 2; i++) expect(months).toContain(monthName(addMonths(now, i)));
      expect(months).toContain('assessments_default');
      // and the worker's upkeep, run again, has nothing to do
      expect(await env.sql(`SELECT * FROM kizuki_maintain_partitions()`)).toEqual([]);
    },
  );

  it(
    "reads every tenant's retention in one place: defaults for what is missing or out of range; " +
      'the longest periods rounded to the UTC day and month, the others exact',
    async () => {
      const odd = (await env.createTenant('Odd settings')).tenantId;
      const exact = (await env.createTenant('Own periods')).tenantId;
      await env.sql(
        `UPDATE tenants SET retention = '{"signalBundlesDays": "x", "assessmentsDays": 5000}' WHERE id = $1`,
        [odd],
      );
      await env.sql(
        `UPDATE tenants SET retention = '{"signalBundlesDays": 7.9, "assessmentsDays": 20}' WHERE id = $1`,
        [exact],
      );
      const c = new Client({ connectionString: env.config.DATABASE_URL });
      await c.connect();
      try {
        // the session's zone must not move a boundary (nor a DST change)
        await c.query(`SET timezone = 'America/New_York'`);
        const { rows } = await c.query(
          `SELECT tenant_id, bundles_before, assessments_before FROM
          kizuki_retention_cutoffs('2031-03-20T12:00:00Z') WHERE tenant_id = ANY($1::uuid[])`,
          [[odd, exact]],
        );
        const by = Object.fromEntries(
          rows.map((r) => [r.tenant_id, [r.bundles_before.toISOString(), r.assessments_before.toISOString()]]),
        );
        // 30 and 180 days, the defaults, and the longest periods here: rounded down to the day and
        // month, so these rows leave with their partitions
        expect(by[odd]).toEqual(['2031-02-18T00:00:00.000Z', '2030-09-01T00:00:00.000Z']);
        // 7 and 20 days: deleted row by row anyway, so exactly at the period (7.9 days counts as 7)
        expect(by[exact]).toEqual(['2031-03-13T12:00:00.000Z', '2031-02-28T12:00:00.000Z']);
      } finally {
        await c.end();
      }
      await env.sql(`DELETE FROM tenants WHERE id = ANY($1::uuid[])`, [[odd, exact]]);
    },
  );

  it(
    'routes each row to its day; a row beyond the partitions waits in the default one until its day is ' + 'made',
    async () => {
      const today = await bundleAt(a, new Date());
      expect(await whereIs(today)).toBe(dayName(new Date()));
      const far = new Date(Date.now() + 30 * DAY_MS);
      const later = await bundleAt(a, far);
      expect(await whereIs(later)).toBe('signal_bundles_default');
      await runAt(new Date(far.getTime() - 3 * DAY_MS)); // upkeep 27 days on makes that day (7 ahead)
      expect(await whereIs(later)).toBe(dayName(far));
      expect(await env.sql(`SELECT 1 FROM signal_bundles_default WHERE id = $1`, [later])).toEqual([]);
    },
  );

  it("drops a partition whole once every tenant's period has passed it, and only then", async () => {
    const now = new Date();
    // made below, 5 days after the clock of the first run
    const kept = await bundleAt(b, new Date(now.getTime() + 50 * DAY_MS));
    const soon = await bundleAt(a, now);
    // 45 days on, A's and B's 30 days (the default) have passed today's partition
    const first = await runAt(new Date(now.getTime() + 45 * DAY_MS));
    expect(first.filter((r) => r.action === 'dropped').map((r) => r.partition_name)).toContain(dayName(now));
    expect(first.filter((r) => r.action === 'busy')).toEqual([]);
    expect(await whereIs(soon)).toBeNull();
    expect(await whereIs(kept)).toBe(dayName(new Date(now.getTime() + 50 * DAY_MS)));
    // B keeps everything for 10 years: no partition goes, whatever A keeps
    await env.sql(
      `UPDATE tenants SET retention = '{"signalBundlesDays": 3650, "assessmentsDays": 3650}' WHERE id = $1`,
      [b],
    );
    const second = await runAt(new Date(now.getTime() + 400 * DAY_MS));
    expect(second.filter((r) => r.action !== 'created')).toEqual([]);
    expect(await whereIs(kept)).not.toBeNull();
    // back to the defaults: this month's assessments go once 180 days have passed the month's end
    await env.sql(`UPDATE tenants SET retention = '{}' WHERE id = $1`, [b]);
    const third = await runAt(new Date(addMonths(now, 1).getTime() + 181 * DAY_MS));
    expect(third.filter((r) => r.action === 'dropped').map((r) => r.partition_name)).toEqual(
      expect.arrayContaining([monthName(now), dayName(new Date(now.getTime() + 50 * DAY_MS))]),
    );
    expect(await whereIs(kept)).toBeNull();
  });

  it(
    'lets writes go on while partitions are made and dropped: no write fails, ' + 'none is lost or left behind',
    async () => {
      const bundles = env.worker!.get(BundleRepository);
      const now = Date.now();
      const ids: string[] = [];
      // rows for today and the coming 40 days, as the worker stores them, while upkeep on three
      // clocks makes the partitions of those days (taking rows over from the default partition)
      const writes = Array.from({ length: 300 }, (_, i) => {
        const id = randomUUID();
        ids.push(id);
        return bundles.insertMany(a, [
          {
            id,
            receivedAt: new Date(now + (i % 40) * DAY_MS),
            ip: null,
            userAgent: null,
            origin: null,
            payload: { n: i },
          },
        ]);
      });
      const upkeep = [10, 20, 30].map((d) => runAt(new Date(now + d * DAY_MS)));
      const settled = await Promise.allSettled([...writes, ...upkeep]);
      expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
      const stored = () =>
        env.sql<{ id: string; p: string; received_at: Date }>(
          `SELECT id, tableoid::regclass::text AS p, received_at FROM signal_bundles WHERE id = ANY($1::uuid[])`,
          [ids],
        );
      const rows = await stored();
      expect(rows).toHaveLength(300);
      // every row whose day has a partition now is in it, whichever came first
      const made = new Set(await partitions('signal_bundles'));
      expect(rows.filter((r) => made.has(dayName(r.received_at)) && r.p !== dayName(r.received_at))).toEqual([]);
      // Upkeep that could not get its lock within 250 ms among the writes said 'busy'; run again in
      // quiet, each clock makes its 9 days (d − 1 to d + 7) and their rows sit in them: 9–17 and 19
      // (8 rows a day), 20–27 and 29–37 (7 a day); the other days have no partition here, their rows wait.
      for (const d of [10, 20, 30])
        expect((await runAt(new Date(now + d * DAY_MS))).filter((r) => r.action === 'busy')).toEqual([]);
      const after = await stored();
      const ahead = (r: { received_at: Date }) => Math.round((r.received_at.getTime() - now) / DAY_MS);
      const managed = (k: number) => [10, 20, 30].some((d) => k >= d - 1 && k <= d + 7);
      expect(after.filter((r) => managed(ahead(r)) && r.p !== dayName(r.received_at))).toEqual([]);
      expect(after.filter((r) => managed(ahead(r)))).toHaveLength(9 * 8 + 8 + 8 * 7 + 9 * 7);
      const made2 = new Set(await partitions('signal_bundles'));
      expect(after.filter((r) => !made2.has(dayName(r.received_at)) && r.p !== 'signal_bundles_default')).toEqual([]);
    },
  );

  it(
    "is the owner's: the app role may run the upkeep on the clock only, " +
      "and reads partitions only in its tenant's scope",
    async () => {
      await bundleAt(a, new Date());
      await bundleAt(b, new Date());
      // beyond the partitions made ahead: both wait in the default partition
      const later = new Date(Date.now() + 60 * 86_400_000);
      await bundleAt(a, later);
      await bundleAt(b, later);
      const c = new Client({ connectionString: env.config.DATABASE_URL });
      await c.connect();
      try {
        await c.query(`SET ROLE kizuki_app`);
        await expect(c.query(`SELECT * FROM kizuki_partitions_run(now() + interval '10 years')`)).rejects.toThrow(
          /permission denied/,
        );
        await expect(
          c.query(`SELECT kizuki_partition_ensure('signal_bundles', 'received_at', 'day', now())`),
        ).rejects.toThrow(/permission denied/);
        // (today's partition went in the test above: this makes it again, taking its rows from the default one)
        await c.query(`SELECT * FROM kizuki_maintain_partitions()`);
        const direct = `SELECT DISTINCT tenant_id FROM ${dayName(new Date())}`;
        expect((await c.query(direct)).rows).toEqual([]); // no tenant set: nothing
        await c.query(`SELECT set_config('app.tenant_id', $1, false)`, [a]);
        expect((await c.query(direct)).rows).toEqual([{ tenant_id: a }]);
        expect((await c.query(`SELECT DISTINCT tenant_id FROM signal_bundles_default`)).rows).toEqual([
          { tenant_id: a },
        ]);
      } finally {
        await c.end();
      }
    },
  );

  it('one upkeep at a time: a second caller is told busy at once, not failed after the lock timeout', async () => {
    const holder = new Client({ connectionString: env.config.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('kizuki_partitions'))`); // an upkeep under way
      const started = Date.now();
      expect(await env.sql(`SELECT * FROM kizuki_maintain_partitions()`)).toEqual([
        { action: 'busy', partition_name: '(another upkeep is under way)' },
      ]);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  // Lookups reach back from their clock (a bundle up to 2 hours before the risk call): the day
  // before, and on the 1st the month before, have their partition, made by the same upkeep as
  // those ahead. The clocks are the test's, not the machine's.
  it.each([
    ['at 00:30 UTC', '2032-03-10T00:30:00Z'],
    ['on the last day of a month, 23:30 UTC', '2032-04-30T23:30:00Z'],
    ['on the first day of a month, 00:30 UTC', '2032-06-01T00:30:00Z'],
  ])(
    'makes the partitions a unit back as well as ahead (%s): a row from 2 hours before lands in its day, ' +
      'not the default one',
    async (_, clock) => {
      const now = new Date(clock);
      // a tenant keeping everything 10 years: upkeep this far ahead drops nothing of the other tests'
      const keeper = (await env.createTenant('Keeps all')).tenantId;
      await env.sql(
        `UPDATE tenants SET retention = '{"signalBundlesDays": 3650, "assessmentsDays": 3650}' WHERE id = $1`,
        [keeper],
      );
      try {
        const made = await runAt(now);
        expect(made.filter((r) => r.action !== 'created')).toEqual([]);
        const days = await partitions('signal_bundles');
        for (let i = -1; i <= 7; i++) expect(days).toContain(dayName(new Date(now.getTime() + i * DAY_MS)));
        const months = await partitions('assessments');
        for (let i = -1; i <= 2; i++) expect(months).toContain(monthName(addMonths(now, i)));
        const before = new Date(now.getTime() - 2 * 3_600_000);
        expect(await whereIs(await bundleAt(a, before))).toBe(dayName(before));
        // and the upkeep, run again on that clock, has nothing left to do
        expect(await runAt(now)).toEqual([]);
      } finally {
        await env.sql(`DELETE FROM tenants WHERE id = $1`, [keeper]);
      }
    },
  );
});
