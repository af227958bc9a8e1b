// What the score outbox costs PostgreSQL while Redis is down: every degraded risk answer's job is
// written to score_outbox then. Jobs arrive at a fixed rate (open loop) for `--seconds`, as score
// jobs of one tenant with a realistic payload, and are written through the api's pool (10):
//   - one transaction per job (OutboxRepository.put, as before session 6);
//   - gathered per tenant for 10 ms and written in one statement (KeyedBatcher + putMany, as the
//     api's OutboxRelay does now).
// Prints, per way and rate: write latency from arrival (p50/p99/max), transactions committed, and
// PostgreSQL's CPU (its processes' /proc time, % of one core) over the step.
//   npx tsx bench/outbox.ts [--rates 500,1000,2000] [--seconds 10]
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { createDataSource, KeyedBatcher, OutboxRepository, type OutboxJob } from '@kizuki/database';
import { JobName, jobIds, type ScoreLoginJobData } from '@kizuki/queue';
import { withScratchDatabase } from './lib/scratch-db';
import { percentile } from './lib/stack';

const arg = (name: string, dflt: string) =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : dflt;
const RATES = arg('rates', '500,1000,2000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '10'));

/** CPU ticks used so far by each process whose command line names postgres, by pid. */
function postgresTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      // the process ended while being read
    }
  }
  return ticks;
}

/** CPU seconds PostgreSQL used between two readings (a process gone by the second one is not counted). */
function postgresCpuSeconds(before: Map<string, number>, after: Map<string, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks / 100; // USER_HZ on Linux
}

/** A degraded risk call's score job, as the api keeps it. */
function scoreJob(tenantId: string): OutboxJob {
  const assessmentId = randomUUID();
  const data: ScoreLoginJobData = {
    tenantId,
    assessmentId,
    idempotencyKey: `bench-${assessmentId}`,
    requestedAt: new Date().toISOString(),
    event: 'login',
    status: 'succeeded',
    userHash: randomBytes(32).toString('hex'),
    context: {
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      acceptLanguage: 'ja-JP,ja;q=0.9,en;q=0.8',
    },
    token: { state: 'valid', bundleId: randomUUID(), batchId: randomUUID() },
  };
  return { jobId: jobIds.score(assessmentId), name: JobName.ScoreLogin, priority: null, data };
}

async function step(
  write: (tenantId: string, job: OutboxJob) => Promise<void>,
  tenantId: string,
  rate: number,
  pg: Client,
) {
  const [{ n: commitsBefore }] = (
    await pg.query(`SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`)
  ).rows;
  const cpuBefore = postgresTicks();
  const latencies: number[] = [];
  const writes: Promise<void>[] = [];
  const start = performance.now();
  const total = rate * SECONDS;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    writes.push(write(tenantId, scoreJob(tenantId)).then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(writes);
  const seconds = (performance.now() - start) / 1000;
  const cpu = postgresCpuSeconds(cpuBefore, postgresTicks());
  const [{ n: commitsAfter }] = (
    await pg.query(`SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`)
  ).rows;
  latencies.sort((a, b) => a - b);
  return {
    rate,
    jobs: total,
    seconds: Number(seconds.toFixed(1)),
    p50: Number(percentile(latencies, 50).toFixed(1)),
    p99: Number(percentile(latencies, 99).toFixed(1)),
    max: Number(latencies[latencies.length - 1].toFixed(1)),
    commits: Number(commitsAfter) - Number(commitsBefore),
    postgresCpuPct: Math.round((cpu / seconds) * 100),
  };
}

async function main(): Promise<void> {
  await withScratchDatabase('outboxbench', async (url) => {
    const db = createDataSource({ url, poolSize: 10 });
    const pg = new Client({ connectionString: url });
    try {
      await db.initialize();
      await pg.connect();
      const tenantId = randomUUID();
      await pg.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [tenantId]);
      const outbox = new OutboxRepository(db);
      const batcher = new KeyedBatcher<OutboxJob>((t, jobs) => outbox.putMany(t, jobs), 500, 10);
      const ways = {
        'one transaction per job': (t: string, j: OutboxJob) => outbox.put(t, j),
        'per tenant, 10 ms, one statement': (t: string, j: OutboxJob) => batcher.add(t, j),
      };
      const rows: string[] = [];
      for (const rate of RATES) {
        for (const [way, write] of Object.entries(ways)) {
          await pg.query(`TRUNCATE score_outbox`);
          const r = await step(write, tenantId, rate, pg);
          console.error(`[outbox] ${way}: ${JSON.stringify(r)}`);
          rows.push(`| ${way} | ${rate} | ${r.p50} | ${r.p99} | ${r.max} | ${r.commits} | ${r.postgresCpuPct} |`);
        }
      }
      console.log('| outbox write | jobs/s | p50 ms | p99 ms | max ms | transactions | PostgreSQL CPU % |');
      console.log('| --- | --: | --: | --: | --: | --: | --: |');
      for (const r of rows) console.log(r);
    } finally {
      await pg.end().catch(() => undefined);
      await db.destroy().catch(() => undefined);
    }
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
