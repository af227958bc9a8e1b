// A machine yardstick, measured before a load run starts: the same code ran up to twice as slow on
// this shared host from one day to the next (docs/benchmarks.md, session 6), so a table is only
// comparable with another measured at a similar yardstick.
//   - PostgreSQL: a primary-key lookup in PL/pgSQL, with a cached generic plan (what most of the
//     score path's statements are) and planned on each call (EXECUTE, as its partitioned lookups);
//     server-side µs per lookup, in a temporary table.
//   - Node: the scoring engine's µs per assessment (bench/engine-throughput.ts, three seconds).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

export interface Yardstick {
  pgLookupUs: number;
  pgPlannedLookupUs: number;
  engineUs: number;
}

// EXECUTE plans the query on every call; static PL/pgSQL SQL settles on a generic plan.
const EXECUTE_LOOKUP = `EXECUTE 'SELECT v FROM kz_yardstick WHERE id = $1' INTO v USING (i * 7919) % 100000 + 1;`;
const STATIC_LOOKUP = `SELECT y.v INTO v FROM kz_yardstick y WHERE y.id = (i * 7919) % 100000 + 1;`;

const LOOKUP = (dynamic: boolean) => `
  CREATE FUNCTION pg_temp.kz_yardstick_${dynamic ? 'planned' : 'generic'}(n int) RETURNS float8 LANGUAGE plpgsql AS $$
  DECLARE v text; t0 timestamptz := clock_timestamp();
  BEGIN
    FOR i IN 1..n LOOP
      ${dynamic ? EXECUTE_LOOKUP : STATIC_LOOKUP}
    END LOOP;
    RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
  END $$`;

export async function measureYardstick(adminUrl: string): Promise<Yardstick> {
  const pg = new Client({ connectionString: adminUrl });
  await pg.connect();
  try {
    await pg.query(`CREATE TEMP TABLE kz_yardstick (id int PRIMARY KEY, v text)`);
    await pg.query(`INSERT INTO kz_yardstick SELECT g, md5(g::text) FROM generate_series(1, 100000) g`);
    await pg.query(`ANALYZE kz_yardstick`);
    await pg.query(LOOKUP(false));
    await pg.query(LOOKUP(true));
    // best of three: the yardstick is the machine's speed, not its momentary noise
    const best = async (fn: string, n: number) => {
      let us = Infinity;
      for (let i = 0; i < 3; i++)
        us = Math.min(us, Number((await pg.query(`SELECT pg_temp.${fn}($1) AS us`, [n])).rows[0].us));
      return Number(us.toFixed(2));
    };
    const pgLookupUs = await best('kz_yardstick_generic', 50_000);
    const pgPlannedLookupUs = await best('kz_yardstick_planned', 10_000);
    // from the repository, where `--import tsx` resolves, whatever directory the bench runs from
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'engine-throughput.ts'), '3'], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    });
    const engine = /([\d.]+) µs each/.exec(run.stdout);
    if (run.status !== 0 || !engine) throw new Error(`the engine yardstick failed: ${run.stderr || run.stdout}`);
    return { pgLookupUs, pgPlannedLookupUs, engineUs: Number(engine[1]) };
  } finally {
    await pg.end();
  }
}

export const describeYardstick = (y: Yardstick) =>
  `PostgreSQL key lookup ${y.pgLookupUs} µs (generic plan) / ${y.pgPlannedLookupUs} µs (planned each call), ` +
  `scoring engine ${y.engineUs} µs per assessment`;
