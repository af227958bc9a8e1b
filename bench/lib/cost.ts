// bench/load.ts --cost: what one scored login costs, in CPU and in PostgreSQL statements, against a
// floor measured in the same run. Steady logins (a collect, then the risk call with its token) at a
// fixed rate, in worker mode, in inline mode (RISK_SCORING=inline), and on the floor server
// (floor-server.ts: parse, one INSERT, one Redis INCR), each on a private PostgreSQL and Redis
// (private-stores.ts) so that their CPU is this run's alone. CPU is read from /proc: api, worker,
// the whole PostgreSQL cluster (backends and its background processes), Redis; never the load
// generator. Statements: pg_stat_statements (top-level statements, BEGIN/COMMIT included), and
// pg_stat_database's transactions beside it (which any server has).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import type { SignalBundle } from '@kizuki/contract';
import * as S from '../../libs/scoring/src/testing/scenario';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';
import { openLoop, pool, post, type Answer } from './open-loop';
import { startPrivateStores, type PrivateStores } from './private-stores';
import { processCpuMs, treeCpuMs } from './proc-cpu';
import { percentile, startStack } from './stack';
import { describeYardstick, measureYardstick } from './yardstick';

export interface CostOptions {
  rate: number;
  seconds: number;
  accounts: number;
  enrol: number;
  modes: string[];
}

interface Endpoint {
  collectUrl: string;
  riskUrl: string;
  pk: Record<string, string>;
  sk: Record<string, string>;
}

interface CostRow {
  name: string;
  logins: number;
  windowS: number;
  cpuMs: Record<string, number>;
  /** top-level statements (each a round trip), and all statements including those inside SQL functions */
  statements: number;
  nestedStatements: number;
  transactions: number;
  sent: number;
  collectP99: number;
  riskP50: number;
  riskP99: number;
  errors: number;
  degraded: number;
  topStatements: { calls: number; query: string; toplevel: boolean }[];
}

const ipOf = (u: number) => `203.0.${(u >> 8) & 255}.${u & 255}`;
const riskBody = (t: string | undefined, user: number, status: string) =>
  JSON.stringify({
    requestToken: t,
    event: 'login',
    status,
    user: { id: `user-${user}@example.com` },
    context: { ip: ipOf(user), userAgent: 'Mozilla/5.0 (load)', acceptLanguage: 'ja-JP,ja;q=0.9' },
  });
const tokenOf = (a: Answer) =>
  a.status === 202 ? (JSON.parse(a.body) as { requestToken: string }).requestToken : undefined;

/** One login as a page and its backend make it: the collect, then the risk call with the token. */
// generous: a call the client gave up on would still be worked on by the server, uncounted
const TIMEOUT_MS = 30_000;

async function login(e: Endpoint, body: string, user: number, status: string, scheduled: number) {
  const collect = await post(e.collectUrl, e.pk, body, scheduled, TIMEOUT_MS);
  const sent = performance.now();
  const risk = await post(e.riskUrl, e.sk, riskBody(tokenOf(collect), user, status), sent, TIMEOUT_MS);
  return { collect, risk };
}

/**
 * KIZUKI_BENCH_CPU_PROF=<dir>: the api and worker profile while <dir>/.window exists (cpu-prof.js, preloaded by
 * stack.ts); summarise with `npx tsx bench/lib/cpu-prof-summary.ts <dir>/*.cpuprofile`.
 */
async function profileWindow(open: boolean): Promise<void> {
  const dir = process.env.KIZUKI_BENCH_CPU_PROF;
  if (!dir) return;
  const marker = join(dir, '.window');
  if (open) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(marker, '');
  } else {
    rmSync(marker, { force: true });
    await new Promise((r) => setTimeout(r, 1000)); // the processes poll every 200 ms, then write
  }
}

/** Server-side counters of one database: top-level statements (pg_stat_statements) and transactions. */
async function dbCounters(admin: Client, database: string) {
  const [row] = (
    await admin.query<{ statements: string; allStatements: string; xacts: string }>(
      `SELECT (SELECT coalesce(sum(s.calls) FILTER (WHERE s.toplevel), 0) FROM pg_stat_statements s
                 JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1) AS statements,
              (SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s
                 JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1) AS "allStatements",
              (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1) AS xacts`,
      [database],
    )
  ).rows;
  return { statements: Number(row.statements), all: Number(row.allStatements), xacts: Number(row.xacts) };
}

async function measure(
  name: string,
  stores: PrivateStores,
  admin: Client,
  database: string,
  pids: Record<string, number>,
  /** logins stored so far (assessment rows; the floor's rows): the scored logins of the window */
  stored: () => Promise<number>,
  e: Endpoint,
  bodies: string[],
  o: CostOptions,
  drain: () => Promise<void>,
): Promise<CostRow> {
  const cpu = () => ({
    ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid)])),
    postgres: treeCpuMs(stores.postmasterPid),
    redis: processCpuMs(stores.redisPid),
  });
  // pg_stat_database is sent by backends at most every second: let the counts settle before each read
  await new Promise((r) => setTimeout(r, 1500));
  await admin.query(`SELECT pg_stat_statements_reset()`);
  const db0 = await dbCounters(admin, database);
  const stored0 = await stored();
  const cpu0 = cpu();
  const t0 = performance.now();
  profileWindow(true);
  const count = Math.round(o.rate * o.seconds);
  const answers = await openLoop(o.rate, count, async (i, scheduled) => {
    const u = i % o.accounts;
    const { collect, risk } = await login(
      e,
      bodies[(i % o.accounts) + o.accounts * (Math.floor(i / o.accounts) % 2)],
      u,
      i % 20 === 0 ? 'failed' : 'succeeded',
      scheduled,
    );
    // openLoop keeps Answer[]: the collect's rides in the risk answer's body slot
    return {
      status: risk.status,
      ms: risk.ms,
      body: JSON.stringify({ c: collect.ms, s: collect.status, r: risk.body }),
    };
  });
  // everything the logins caused is in the window: the worker's tail (and in inline mode the stored bundles)
  await drain();
  await new Promise((r) => setTimeout(r, 1500));
  const cpu1 = cpu();
  await profileWindow(false);
  const windowS = (performance.now() - t0) / 1000;
  const db1 = await dbCounters(admin, database);
  const logins = (await stored()) - stored0;
  const top = (
    await admin.query<{ calls: string; query: string; toplevel: boolean }>(
      `SELECT s.calls, s.toplevel, regexp_replace(s.query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements s
         JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ORDER BY s.calls DESC LIMIT 20`,
      [database],
    )
  ).rows;
  const parsed = answers.map((a) => ({ ...a, inner: JSON.parse(a.body) as { c: number; s: number; r: string } }));
  const ok = parsed.filter((a) => a.status === 200 && a.inner.s === 202);
  const risk = ok.map((a) => a.ms).sort((a, b) => a - b);
  const collect = ok.map((a) => a.inner.c).sort((a, b) => a - b);
  return {
    name,
    logins,
    windowS,
    cpuMs: Object.fromEntries(
      Object.keys(cpu1).map((k) => [k, (cpu1 as Record<string, number>)[k] - (cpu0 as Record<string, number>)[k]]),
    ),
    // reset when the window opened (the bench's own reads of the scored rows: two, negligible)
    statements: db1.statements,
    nestedStatements: db1.all,
    transactions: db1.xacts - db0.xacts,
    collectP99: percentile(collect, 99),
    riskP50: percentile(risk, 50),
    riskP99: percentile(risk, 99),
    sent: answers.length,
    errors: answers.length - ok.length,
    degraded: ok.filter((a) => a.inner.r.includes('"degraded":true')).length,
    topStatements: top.map((t) => ({ calls: Number(t.calls), toplevel: t.toplevel, query: t.query.slice(0, 110) })),
  };
}

async function kizuki(mode: string, stores: PrivateStores, admin: Client, o: CostOptions, bodies: string[]) {
  const stack = await startStack({
    env: { LOG_LEVEL: 'error', RISK_SCORING: mode },
    adminUrl: stores.pgAdminUrl,
    redisUrl: stores.redisUrl,
  });
  try {
    const e: Endpoint = {
      collectUrl: `${stack.baseUrl}/v1/collect`,
      riskUrl: `${stack.baseUrl}/v1/risk`,
      pk: { 'x-kizuki-key': stack.tenant.publishableKey, origin: stack.tenant.origin },
      sk: { authorization: `Bearer ${stack.tenant.secretKey}` },
    };
    const people = Array.from({ length: o.accounts }, (_, i) => S.makePerson(i + 1));
    // accounts with history, as in bench/load.ts: `enrol` trusted logins each, own rhythm and device
    const t = performance.now();
    await pool(o.accounts * o.enrol, 32, (k) => {
      const u = k % o.accounts;
      const body = JSON.stringify(S.humanBundle(people[u], `load-device-${u}`, 1000 + k));
      return login(e, body, u, 'succeeded', performance.now());
    });
    console.error(
      `[cost] ${mode}: enrolled ${o.accounts} × ${o.enrol} in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    const redis = new IORedis(stores.redisUrl, { maxRetriesPerRequest: null });
    const queues = ['score', 'ingest'].map(
      (q) => new Queue(q, { connection: redis, prefix: stack.env.KIZUKI_REDIS_PREFIX }),
    );
    // the worker's scheduled jobs (roll-up, retention: ids `repeat:…`) always wait in `delayed`; only
    // the logins' own jobs count, or every drain would sit out its whole timeout
    const pending = async (q: Queue) => {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized');
      const delayed = (await q.getDelayed()).filter((j) => !String(j.id).startsWith('repeat:'));
      return Object.values(c).reduce((a, n) => a + n, 0) + delayed.length;
    };
    const drain = async () => {
      const end = Date.now() + 120_000;
      for (;;) {
        const counts = await Promise.all(queues.map(pending));
        if (counts.every((n) => n === 0) || Date.now() > end) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await drain();
    const db = new Client({ connectionString: stack.env.DATABASE_URL });
    await db.connect();
    await db.query('ANALYZE'); // planner statistics of a live database (bench/load.ts says why)
    const stored = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM assessments')).rows[0].n);
    const [api, worker] = stack.processes.map((p) => p.pid!);
    const row = await measure(mode, stores, admin, stack.database, { api, worker }, stored, e, bodies, o, drain);
    await db.end();
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
    return row;
  } finally {
    await stack.stop();
  }
}

async function floor(stores: PrivateStores, admin: Client, o: CostOptions, bodies: string[]) {
  const database = `kizuki_floor_${process.pid}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(stores.pgAdminUrl);
  url.pathname = `/${database}`;
  const prefix = `{kzfloor-${process.pid}}`;
  const child = spawn(
    join(__dirname, '../../node_modules/.bin/tsx'),
    [join(__dirname, 'floor-server.ts'), url.toString(), stores.redisUrl, prefix],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const port = await new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r));
    const base = `http://127.0.0.1:${port}`;
    const e: Endpoint = { collectUrl: `${base}/v1/collect`, riskUrl: `${base}/v1/risk`, pk: {}, sk: {} };
    // warm-up (its JIT, its pool), not measured: Kizuki's processes had their enrolment
    await openLoop(o.rate, o.rate * 10, (i, s) =>
      login(e, bodies[i % bodies.length], i % o.accounts, 'succeeded', s).then((a) => a.risk),
    );
    // tsx runs the server in a child of its own process: measure the process that listens
    const serverPid =
      Number(execFileSync('pgrep', ['-P', String(child.pid), '-n'], { encoding: 'utf8' }).trim()) || child.pid!;
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    const stored = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM floor_logins')).rows[0].n);
    try {
      return await measure('floor', stores, admin, database, { api: serverPid }, stored, e, bodies, o, async () => {});
    } finally {
      await db.end();
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await deleteRedisPrefix(stores.redisUrl, prefix);
  }
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');

export async function runCost(o: CostOptions): Promise<void> {
  const stores = await startPrivateStores();
  const admin = new Client({ connectionString: stores.pgAdminUrl });
  await admin.connect();
  const rows: CostRow[] = [];
  let yardstick;
  try {
    yardstick = await measureYardstick(stores.pgAdminUrl);
    console.error(`[cost] machine yardstick: ${describeYardstick(yardstick)}`);
    const people = Array.from({ length: o.accounts }, (_, i) => S.makePerson(i + 1));
    const bundle = (b: SignalBundle) => JSON.stringify(b);
    const bodies = Array.from({ length: o.accounts * 2 }, (_, i) =>
      bundle(S.humanBundle(people[i % o.accounts], `load-device-${i % o.accounts}`, 50_000 + i)),
    );
    for (const mode of o.modes) {
      rows.push(await kizuki(mode, stores, admin, o, bodies));
      console.error(`[cost] ${JSON.stringify(rows[rows.length - 1])}`);
    }
    rows.push(await floor(stores, admin, o, bodies));
    console.error(`[cost] ${JSON.stringify(rows[rows.length - 1])}`);
  } finally {
    await admin.end();
    await stores.stop();
  }
  const fl = rows.find((r) => r.name === 'floor')!;
  const perLogin = (r: CostRow) => Object.values(r.cpuMs).reduce((a, b) => a + b, 0) / r.logins;
  const cores = availableParallelism();
  console.log(
    `\n${o.rate} logins/s for ${o.seconds} s (collect + risk, ${o.accounts} accounts); CPU from /proc, ` +
      `load generator excluded; ${cores} cores`,
  );
  const header = [
    'run',
    'logins scored',
    'errors',
    'degraded',
    'CPU ms/login',
    '× floor',
    'api',
    'worker',
    'PostgreSQL',
    'Redis',
    'statements/login',
    'incl. inside functions',
    'transactions/login',
    'risk p50 ms',
    'risk p99 ms',
    '× floor p99',
    'collect p99 ms',
    'capacity logins/s',
  ];
  console.log(`\n| ${header.join(' | ')} |\n|${' --- |'.repeat(header.length)}`);
  for (const r of rows) {
    const c = (k: string) => f((r.cpuMs[k] ?? NaN) / r.logins, 3);
    console.log(
      `| ${r.name} | ${r.logins} | ${r.errors} | ${r.degraded} | ${f(perLogin(r), 3)} | ` +
        `${f(perLogin(r) / perLogin(fl))} | ` +
        `${c('api')} | ${c('worker')} | ${c('postgres')} | ${c('redis')} | ${f(r.statements / r.logins)} | ` +
        `${f(r.nestedStatements / r.logins)} | ` +
        `${f(r.transactions / r.logins)} | ${f(r.riskP50, 1)} | ${f(r.riskP99, 1)} | ${f(r.riskP99 / fl.riskP99)} | ` +
        `${f(r.collectP99, 1)} | ${f((cores * 1000) / perLogin(r), 0)} |`,
    );
  }
  console.log(
    '\nLogins scored: rows stored in the window (assessments; the floor: its rows), the denominator of every ' +
      '"per login". CPU columns: ms per login (the floor server in "api"), from the first login until the ' +
      'queues are empty. Statements: pg_stat_statements, top level (round trips, BEGIN/COMMIT included), and ' +
      'with those run inside SQL functions. Capacity: the cores divided by the CPU per login (an upper bound).',
  );
  for (const r of rows.filter((x) => x.name !== 'floor')) {
    console.log(
      `\n${r.name}: the most frequent statements (calls per login; PL/pgSQL lines count once per function call)`,
    );
    for (const t of r.topStatements)
      console.log(`  ${f(t.calls / r.logins)}  ${t.toplevel ? '' : '(in a function) '}${t.query}`);
  }
  console.log(`\nmachine yardstick (before the run): ${yardstick ? describeYardstick(yardstick) : '–'}`);
  console.log(JSON.stringify({ bench: 'load-cost', options: o, yardstick, rows }));
}
