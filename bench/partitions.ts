// What time partitions (kizuki_partitions_run) cost and buy, on this machine, in a fresh database:
// `--days` days of signal bundles, `--per-day` a day (≈ 2 KB of hex-ish JSON each, like an SDK
// bundle), in the partitioned table and in a plain copy of it (what the table was before).
//   1. The score path's load (kizuki_score_load_many, a batch of one login; server-side time per call,
//      `--n` random bundles):
//      with the risk call's time (the bundle looked for in the day partitions around it: what the
//      worker sends) and without it (every day partition's index probed).
//   2. The bare bundle lookup by id: partitioned with the time bounds, and the plain table.
//   3. Retention of one day: the old way (batched DELETE of RETENTION_BATCH_SIZE rows, oldest
//      first, on the plain copy) against dropping the day's partition (kizuki_partitions_run):
//      wall time and WAL written.
//   npx tsx bench/partitions.ts [--days 30] [--per-day 10000] [--n 2000] [--batch 5000]
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withScratchDatabase } from './lib/scratch-db';

const arg = (name: string, dflt: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt;
const DAYS = arg('--days', 30);
const PER_DAY = arg('--per-day', 10_000);
const N = arg('--n', 2000);
const BATCH = arg('--batch', 5000);

async function main(): Promise<void> {
  await withScratchDatabase('partbench', async (url) => {
    const pg = new Client({ connectionString: url });
    try {
      await pg.connect();
      const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
        (await pg.query(sql, params)).rows as T[];
      const tenant = randomUUID();
      await q(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [tenant]);
      await q(`SET synchronous_commit = off`);

      // partitions for the whole period (as if the worker had run every day), then the rows
      let t = performance.now();
      await q(
        `SELECT kizuki_partition_ensure('signal_bundles', 'received_at', 'day',
        now() - make_interval(days => d)) FROM generate_series(1, $1) d`,
        [DAYS],
      );
      // whole UTC days before today: one partition each
      for (let d = DAYS; d >= 1; d--) {
        await q(
          `INSERT INTO signal_bundles (id, tenant_id, received_at, payload)
           SELECT gen_random_uuid(), $1, date_trunc('day', now(),
             'UTC') - make_interval(days => $2) + make_interval(secs => (g - 1) * 86400.0 / $3),
                  jsonb_build_object('device', jsonb_build_object('visitorId', md5(g::text)), 'typing',
                    (SELECT jsonb_agg(md5(g::text || i || $2)) FROM generate_series(1, 60) i))
             FROM generate_series(1, $3) g`,
          [tenant, d, PER_DAY],
        );
      }
      await q(`CREATE TABLE bundles_plain AS SELECT * FROM signal_bundles; ALTER TABLE bundles_plain ADD
        PRIMARY KEY (id);
               CREATE INDEX bundles_plain_tenant_time ON bundles_plain (tenant_id, received_at)`);
      await q(`VACUUM ANALYZE signal_bundles`);
      await q(`VACUUM ANALYZE bundles_plain`);
      const [{ parts }] = await q<{ parts: number }>(
        `SELECT count(*)::int AS parts FROM pg_inherits WHERE inhparent = 'signal_bundles'::regclass`,
      );
      console.log(
        `seeded ${DAYS * PER_DAY} bundles over ${DAYS} days (${parts} partitions incl. default and 7 ahead) ` +
          `in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );

      // 1 + 2: server-side time per call, n random bundles, alternating, after a warm-up
      await q(`CREATE TEMP TABLE probe AS SELECT id, received_at FROM signal_bundles ORDER BY random() LIMIT $1`, [N]);
      const perCall = async (expr: string) => {
        await q(
          `DO $$ DECLARE r record; t0 timestamptz; x json; BEGIN
             t0 := clock_timestamp();
             FOR r IN SELECT * FROM probe LOOP x := ${expr}; END LOOP;
             PERFORM set_config('bench.us', (extract(epoch FROM clock_timestamp() - t0) * 1e6 / ${N})::text, false);
           END $$`,
        );
        return (await q<{ us: number }>(`SELECT current_setting('bench.us')::float AS us`))[0].us;
      };
      const load = (near: string) =>
        `kizuki_score_load_many('${tenant}', '{user}', '{NULL}', '{NULL}', ARRAY[r.id], '{203.0.113.7}', '{k}',
          ARRAY[r.id], ARRAY[${near}]::timestamptz[], '{NULL}', '{NULL}')`;
      const variants: [string, string][] = [
        ["load, with the risk call's time (what the worker sends)", load(`r.received_at + interval '10 minutes'`)],
        ['load, without a time (every partition probed)', load('NULL')],
        [
          'bundle lookup, partitioned, time-bounded',
          `(SELECT row_to_json(b) FROM signal_bundles b WHERE tenant_id = '${tenant}' AND id = r.id
          AND received_at >= r.received_at - interval '2 hours' AND received_at < r.received_at + interval '1 hour')`,
        ],
        [
          'bundle lookup, plain table (before partitions)',
          `(SELECT row_to_json(b) FROM bundles_plain b WHERE tenant_id = '${tenant}' AND id = r.id)`,
        ],
      ];
      const results = new Map<string, number[]>(variants.map(([label]) => [label, []]));
      for (let round = 0; round < 4; round++) {
        for (const [label, expr] of variants) {
          const us = await perCall(expr);
          if (round > 0) results.get(label)!.push(us); // round 0 warms the caches
        }
      }
      console.log(`\nper call, server side, ${N} random bundles, median of 3 alternating rounds:`);
      for (const [label, xs] of results)
        console.log(`  ${label.padEnd(58)} ${xs.sort((a, b) => a - b)[1].toFixed(1)} µs`);

      // 3: retention of the oldest day
      const wal = async () => (await q<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`))[0].lsn;
      const walBytes = async (from: string) =>
        Number((await q<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS b`, [from]))[0].b);
      // the end of the oldest day
      const [{ cutoff }] = await q<{ cutoff: Date }>(
        `SELECT date_trunc('day', now(), 'UTC') - make_interval(days => $1) AS cutoff`,
        [DAYS - 1],
      );
      await q(`SET synchronous_commit = on`);
      let lsn = await wal();
      t = performance.now();
      let deleted = 0;
      for (;;) {
        const n =
          (
            await pg.query(
              `DELETE FROM bundles_plain WHERE tenant_id = $1 AND (id, received_at) IN (
             SELECT id, received_at FROM bundles_plain WHERE tenant_id = $1 AND received_at < $2
               ORDER BY received_at LIMIT $3)`,
              [tenant, cutoff, BATCH],
            )
          ).rowCount ?? 0;
        deleted += n;
        if (n < BATCH) break;
      }
      const deleteMs = performance.now() - t;
      const deleteWal = await walBytes(lsn);
      // the partition upkeep on a clock that puts that day just past 30 days' retention (a second
      // before, so that the partitions it makes ahead are not timed with the drop)
      await q(`SELECT * FROM kizuki_partitions_run($1::timestamptz + interval '30 days' - interval '1 second')`, [
        cutoff,
      ]);
      lsn = await wal();
      t = performance.now();
      const dropped = await q<{ partition_name: string }>(
        `SELECT partition_name FROM kizuki_partitions_run($1::timestamptz + interval '30 days')
        WHERE action = 'dropped'`,
        [cutoff],
      );
      const dropMs = performance.now() - t;
      const dropWal = await walBytes(lsn);
      console.log(`\nretention of the oldest day (${deleted} bundles):`);
      console.log(
        `  batched DELETE (${BATCH} a statement), plain table   ${deleteMs.toFixed(0).padStart(7)} ms  ` +
          `${(deleteWal / 1048576).toFixed(1).padStart(7)} MiB WAL (and the dead rows left for VACUUM)`,
      );
      console.log(
        `  partition dropped (${dropped.map((d) => d.partition_name).join(', ')}) ` +
          ` ${dropMs.toFixed(0).padStart(7)} ms  ${(dropWal / 1048576).toFixed(1).padStart(7)} MiB WAL`,
      );
    } finally {
      await pg.end().catch(() => undefined);
    }
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
