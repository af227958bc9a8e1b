// Chaos run: no acknowledged work is lost or done twice while the worker is SIGKILLed over and
// over and Redis restarts once, under steady login traffic. A production build (api + worker as
// separate processes) runs against a PRIVATE redis-server (own loopback port, own temp dir, AOF
// with appendfsync always, noeviction) — the machine's shared Redis is never touched.
//
// Every login is a collect (POST /v1/collect with an SDK bundle) then a risk call with the token.
// Recorded: each acknowledged collect (202 → the bundle id inside the token) and each answered risk
// call (200 → the assessment id, degraded or not). After the traffic the queues drain with a
// worker running normally, then PostgreSQL (as the owner: RLS does not bind the superuser) must
// hold every acknowledged bundle and every answered assessment exactly once, and no login may have
// been learned twice (account login counts and device-link counts equal the stored assessments).
// Exits non-zero if anything is missing or doubled.
//
//   npx tsx bench/chaos.ts [--seconds 120] [--kills 20] [--rate 40] [--accounts 300]
//                          [--redis-signal KILL|TERM] [--drain-timeout 240]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import * as S from '../libs/scoring/src/testing/scenario';
import { post as openLoopPost } from './lib/open-loop';
import { startStack, type Stack } from './lib/stack';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(arg('seconds', '120'));
const KILLS = Number(arg('kills', '20'));
const RATE = Number(arg('rate', '40'));
const ACCOUNTS = Number(arg('accounts', '300'));
const REDIS_SIGNAL = (arg('redis-signal', 'KILL') === 'TERM' ? 'SIGTERM' : 'SIGKILL') as NodeJS.Signals;
const DRAIN_TIMEOUT_S = Number(arg('drain-timeout', '240'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}`);
/** One request with open-loop's client, timed from when it is sent (chaos counts answers, not latency). */
const post = (url: string, headers: Record<string, string>, body: string) =>
  openLoopPost(url, headers, body, performance.now(), 10_000);

/** `rt_<base64url JSON {t,b,e}>.<sig>` → b, the bundle id. */
function bundleIdOf(token: string): string {
  const payload = token.slice(3, token.lastIndexOf('.'));
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { b: string }).b;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A private redis-server: own port and directory, AOF fsynced on every write, never evicting. */
class PrivateRedis {
  proc?: ChildProcess;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      this.dir,
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--logfile',
      join(this.dir, 'redis.log'),
    ];
    this.proc = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    const until = Date.now() + 30_000;
    try {
      for (;;) {
        if (this.proc.exitCode !== null)
          throw new Error(`redis-server exited (${this.proc.exitCode}); see ${join(this.dir, 'redis.log')}`);
        // PING answers LOADING while the AOF is replayed: wait for PONG
        const ok = await probe
          .connect()
          .then(() => probe.ping())
          .then(
            (r) => r === 'PONG',
            () => false,
          );
        if (ok) return;
        probe.disconnect();
        if (Date.now() > until) throw new Error('private redis-server did not start');
        await sleep(100);
      }
    } finally {
      probe.disconnect();
    }
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise((r) => {
      p.once('exit', r);
      p.kill(signal);
    });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-chaos-redis-'));
  const redis = new PrivateRedis(await freePort(), dir);
  const cleanupRedis = () => redis.proc?.kill('SIGKILL');
  process.on('exit', cleanupRedis);
  await redis.start();
  log(`private redis-server on ${redis.url}, dir ${dir}`);

  let stack: Stack | undefined;
  let ok: boolean;
  try {
    stack = await startStack({ env: { REDIS_URL: redis.url, LOG_LEVEL: 'error' } });
    ok = await run(stack, redis);
  } finally {
    await stack?.stop().catch((e) => log(`stack stop: ${String(e)}`));
    await redis.stop('SIGTERM');
    process.off('exit', cleanupRedis);
    rmSync(dir, { recursive: true, force: true });
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  process.exit(ok ? 0 : 1);
}

async function run(stack: Stack, redis: PrivateRedis): Promise<boolean> {
  const pk = { 'x-kizuki-key': stack.tenant.publishableKey, origin: stack.tenant.origin };
  const sk = { authorization: `Bearer ${stack.tenant.secretKey}` };
  const people = Array.from({ length: ACCOUNTS }, (_, i) => S.makePerson(i + 1));
  const bodies = Array.from({ length: ACCOUNTS }, (_, u) =>
    JSON.stringify(S.humanBundle(people[u], `chaos-device-${u}`, 10_000 + u)),
  );
  const riskBody = (token: string | undefined, u: number, status: string) =>
    JSON.stringify({
      requestToken: token,
      event: 'login',
      status,
      user: { id: `chaos-user-${u}@example.com` },
      context: {
        ip: `198.51.${(u >> 8) & 255}.${u & 255}`,
        userAgent: 'Mozilla/5.0 (chaos)',
        acceptLanguage: 'ja-JP,ja;q=0.9',
      },
    });

  // What the clients were told.
  const acknowledgedBundles: string[] = [];
  const answered: { id: string; degraded: boolean }[] = [];
  // per 10 s of traffic: logins, refused collects, degraded risk answers (recovery after each event)
  const timeline: { s: number; logins: number; refusedCollects: number; degraded: number; events: string }[] = [];
  const bucket = (at: number) => {
    const k = Math.floor((at - t0) / 10_000);
    while (timeline.length <= k)
      timeline.push({ s: timeline.length * 10, logins: 0, refusedCollects: 0, degraded: 0, events: '' });
    return timeline[k];
  };
  const refused = { collect: new Map<number, number>(), risk: new Map<number, number>() };
  const count = (m: Map<number, number>, status: number) => m.set(status, (m.get(status) ?? 0) + 1);
  let sent = 0;

  const login = async (i: number): Promise<void> => {
    const u = i % ACCOUNTS;
    const b = bucket(performance.now());
    b.logins++;
    const c = await post(`${stack.baseUrl}/v1/collect`, pk, bodies[u]);
    let token: string | undefined;
    if (c.status === 202) {
      token = (JSON.parse(c.body) as { requestToken: string }).requestToken;
      acknowledgedBundles.push(bundleIdOf(token));
    } else {
      b.refusedCollects++;
      count(refused.collect, c.status); // the SDK gives up; the login goes on without a token
    }
    const r = await post(`${stack.baseUrl}/v1/risk`, sk, riskBody(token, u, i % 10 === 0 ? 'failed' : 'succeeded'));
    if (r.status === 200) {
      const a = JSON.parse(r.body) as { id: string; degraded: boolean };
      answered.push({ id: a.id, degraded: a.degraded });
      if (a.degraded) b.degraded++;
    } else {
      count(refused.risk, r.status);
    }
  };

  // Chaos schedule: KILLS worker SIGKILLs spread over the run with jitter, one Redis restart mid-run.
  const ms = SECONDS * 1000;
  const slot = (ms - 4000) / KILLS;
  const events: { at: number; kind: 'kill' | 'redis' }[] = Array.from({ length: KILLS }, (_, k) => ({
    at: 1000 + slot * (k + 0.15 + 0.7 * Math.random()),
    kind: 'kill' as const,
  }));
  events.push({ at: ms / 2 + slot * 0.5, kind: 'redis' });
  events.sort((a, b) => a.at - b.at);
  let kills = 0;
  let redisRestarts = 0;
  const workers = () => stack.processes.slice(1).filter((p) => p.exitCode === null && p.signalCode === null);
  // A process that exits on its own (a crash) is a finding, not chaos.
  const killed = new Set<ChildProcess>();
  const crashes: string[] = [];
  const watch = (p: ChildProcess, what: string) =>
    p.once('exit', (code, signal) => {
      if (!killed.has(p) && !stopping) crashes.push(`${what} pid ${p.pid} exited (${signal ?? code})`);
    });
  let stopping = false;
  watch(stack.processes[0], 'api');
  for (const w of workers()) watch(w, 'worker');
  const startWorker = () => watch(stack.startWorker(), 'worker');

  const t0 = performance.now();
  const chaos = (async () => {
    for (const e of events) {
      const wait = t0 + e.at - performance.now();
      if (wait > 0) await sleep(wait);
      if (e.kind === 'kill') {
        for (const w of workers()) {
          killed.add(w);
          await new Promise((r) => {
            w.once('exit', r);
            w.kill('SIGKILL');
          });
        }
        kills++;
        bucket(performance.now()).events += 'K';
        await sleep(300 + Math.random() * 1700);
        startWorker();
        log(
          `worker SIGKILL #${kills}, restarted (sent ${sent}, acknowledged ${acknowledgedBundles.length}, ` +
            `answered ${answered.length})`,
        );
      } else {
        const down = performance.now();
        await redis.stop(REDIS_SIGNAL);
        await sleep(2000);
        await redis.start();
        redisRestarts++;
        bucket(down).events += 'R';
        log(
          `redis ${REDIS_SIGNAL} + restart on the same port and dir: ` +
            `${((performance.now() - down) / 1000).toFixed(1)} s down`,
        );
      }
    }
  })();

  // Steady open-loop traffic: RATE logins per second whatever the server does.
  const pending: Promise<void>[] = [];
  const total = Math.round(RATE * SECONDS);
  while (sent < total) {
    const now = performance.now();
    while (sent < total && t0 + (sent * 1000) / RATE <= now) pending.push(login(sent++));
    await sleep(2);
  }
  await Promise.all(pending);
  await chaos;
  const trafficSeconds = (performance.now() - t0) / 1000;
  log(
    `traffic done: ${sent} logins in ${trafficSeconds.toFixed(0)} s; ${kills} worker kills, ` +
      `${redisRestarts} Redis restart(s)`,
  );

  // Drain: the worker runs normally; jobs orphaned by the last kill come back via the stalled check.
  if (workers().length === 0) startWorker();
  const conn = new IORedis(redis.url, { maxRetriesPerRequest: null });
  const prefix = stack.env.KIZUKI_REDIS_PREFIX;
  const queues = ['ingest', 'score'].map((name) => new Queue(name, { connection: conn, prefix }));
  const outstanding = async () => {
    let n = 0;
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      n += Object.values(c).reduce((a, b) => a + b, 0);
      // delayed: retries (backoff) count; the maintenance schedulers' next runs do not
      const delayed = await q.getJobs(['delayed'], 0, -1);
      n += delayed.filter((j) => j.name === 'IngestBundleJob' || j.name === 'ScoreLoginJob').length;
    }
    return n;
  };
  const drainStart = Date.now();
  let left = await outstanding();
  while (left > 0 && Date.now() - drainStart < DRAIN_TIMEOUT_S * 1000) {
    await sleep(2000);
    left = await outstanding();
    if ((Date.now() - drainStart) % 10_000 < 2000) log(`draining: ${left} jobs outstanding`);
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  log(
    left === 0
      ? `queues drained in ${drainSeconds.toFixed(0)} s`
      : `queues NOT drained after ${DRAIN_TIMEOUT_S} s: ${left} jobs outstanding`,
  );
  const failedJobs: { queue: string; name: string; id?: string; reason: string; attempts: number }[] = [];
  for (const q of queues) {
    for (const j of await q.getJobs(['failed'], 0, -1))
      failedJobs.push({ queue: q.name, name: j.name, id: j.id, reason: j.failedReason, attempts: j.attemptsMade });
  }
  await Promise.all(queues.map((q) => q.close()));
  conn.disconnect();

  // What PostgreSQL holds (as the owner: row-level security does not bind the superuser).
  const db = new Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  let result;
  try {
    const tenant = stack.tenant.tenantId;
    const ackSet = new Set(acknowledgedBundles);
    const idSet = new Set(answered.map((a) => a.id));
    const bundleRows = (
      await db.query<{ id: string; n: string }>(
        `SELECT id::text, count(*) AS n FROM signal_bundles WHERE tenant_id = $1 AND id = ANY($2::uuid[]) GROUP BY id`,
        [tenant, [...ackSet]],
      )
    ).rows;
    const assessmentRows = (
      await db.query<{ id: string; n: string }>(
        `SELECT id::text, count(*) AS n FROM assessments WHERE tenant_id = $1 AND id = ANY($2::uuid[]) GROUP BY id`,
        [tenant, [...idSet]],
      )
    ).rows;
    const [totals] = (
      await db.query<{ bundles: string; assessments: string }>(
        `SELECT (SELECT count(*) FROM signal_bundles WHERE tenant_id = $1) AS bundles, (SELECT count(*)
          FROM assessments WHERE tenant_id = $1) AS assessments`,
        [tenant],
      )
    ).rows;
    // Doubled work: one token scored into two assessments; a login learned twice by its account or device link.
    const [dup] = (
      await db.query<{ bundle_reuse: string; account_drift: string; device_drift: string; token_drift: string }>(
        `SELECT
           (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM assessments WHERE tenant_id = $1
             AND bundle_id IS NOT NULL GROUP BY bundle_id HAVING count(*) > 1) x) AS bundle_reuse,
           (SELECT coalesce(sum(abs(a.login_count - (SELECT count(*) FROM assessments s
             WHERE s.account_id = a.id))), 0) FROM accounts a WHERE a.tenant_id = $1) AS account_drift,
           (SELECT coalesce(sum(abs(ad.logins - (SELECT count(*) FROM assessments s
             WHERE s.account_id = ad.account_id AND s.device_id = ad.device_id))), 0)
              FROM account_devices ad WHERE ad.tenant_id = $1) AS device_drift,
           (SELECT abs((SELECT count(*) FROM token_uses WHERE tenant_id = $1) - (SELECT count(*)
             FROM assessments WHERE tenant_id = $1 AND bundle_id IS NOT NULL))) AS token_drift`,
        [tenant],
      )
    ).rows;
    const storedBundles = bundleRows.length;
    const storedAssessments = assessmentRows.length;
    const answeredTwice = answered.length - idSet.size; // two logins answered with one id
    const duplicateRows =
      bundleRows.filter((r) => Number(r.n) > 1).length + assessmentRows.filter((r) => Number(r.n) > 1).length;
    const duplicates =
      duplicateRows +
      answeredTwice +
      Number(dup.bundle_reuse) +
      Number(dup.account_drift) +
      Number(dup.device_drift) +
      Number(dup.token_drift);
    const missingAssessmentIds = [...idSet].filter((id) => !assessmentRows.some((r) => r.id === id));
    const degradedById = new Map(answered.map((a) => [a.id, a.degraded]));
    result = {
      bench: 'chaos',
      sent,
      acknowledgedCollects: acknowledgedBundles.length,
      storedBundles,
      missingBundles: ackSet.size - storedBundles,
      refusedCollects: Object.fromEntries(refused.collect),
      answeredRisk: answered.length,
      degraded: answered.filter((a) => a.degraded).length,
      storedAssessments,
      missingAssessments: missingAssessmentIds.length,
      missingDegraded: missingAssessmentIds.filter((id) => degradedById.get(id)).length,
      refusedRisk: Object.fromEntries(refused.risk),
      duplicates,
      duplicateDetail: {
        duplicateRows,
        answeredTwice,
        bundleReuse: Number(dup.bundle_reuse),
        accountDrift: Number(dup.account_drift),
        deviceDrift: Number(dup.device_drift),
        tokenDrift: Number(dup.token_drift),
      },
      tableBundles: Number(totals.bundles),
      tableAssessments: Number(totals.assessments),
      failedJobs: failedJobs.length,
      crashes: crashes.length,
      workerKills: kills,
      redisRestarts,
      redisSignal: REDIS_SIGNAL,
      rate: RATE,
      trafficSeconds: Math.round(trafficSeconds),
      drainSeconds: Math.round(drainSeconds),
      drained: left === 0,
    };
    stopping = true;
    for (const c of crashes) log(`unexpected exit: ${c}`);
    if (failedJobs.length) log(`failed jobs: ${JSON.stringify(failedJobs.slice(0, 10))}`);
    if (missingAssessmentIds.length)
      log(`missing assessments (first 10): ${missingAssessmentIds.slice(0, 10).join(', ')}`);
  } finally {
    await db.end();
  }

  const fmt = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, v]) => `${v}× ${k === '0' ? 'no answer' : k}`)
      .join(', ') || '0';
  const rows: [string, string | number][] = [
    ['logins sent (collect + risk)', result.sent],
    ['acknowledged collects (202)', result.acknowledgedCollects],
    ['  stored bundles (exactly once)', result.storedBundles],
    ['  missing bundles', result.missingBundles],
    ['  not acknowledged (expected during the Redis restart)', fmt(result.refusedCollects)],
    ['answered risk calls (200)', result.answeredRisk],
    ['  of which degraded', result.degraded],
    ['  stored assessments (exactly once)', result.storedAssessments],
    ['  missing assessments', `${result.missingAssessments} (${result.missingDegraded} degraded)`],
    ['  not answered', fmt(result.refusedRisk)],
    ['duplicates (rows, reused tokens, double-learned logins)', result.duplicates],
    ['failed jobs left in the queues', result.failedJobs],
    ['api/worker crashes (exits not caused by the chaos)', result.crashes],
    ['worker SIGKILLs (each restarted)', result.workerKills],
    [`Redis restarts (${REDIS_SIGNAL}, AOF always)`, result.redisRestarts],
    [
      'traffic s / drain s',
      `${result.trafficSeconds} / ${result.drainSeconds}${result.drained ? '' : ' (not drained)'}`,
    ],
  ];
  console.log(
    '\n| traffic s | logins | collects refused | risk degraded | chaos (K worker kill, R Redis restart) ' +
      '|\n| --- | --- | --- | --- | --- |',
  );
  for (const t of timeline)
    console.log(`| ${t.s}–${t.s + 10} | ${t.logins} | ${t.refusedCollects} | ${t.degraded} | ${t.events} |`);
  console.log('\n| chaos | count |\n| --- | --- |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  console.log(JSON.stringify(result));
  return (
    result.missingBundles === 0 &&
    result.missingAssessments === 0 &&
    result.duplicates === 0 &&
    result.drained &&
    result.crashes === 0
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
