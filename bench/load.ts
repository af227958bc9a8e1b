// Open-loop load test of a production build (api + worker processes, real PostgreSQL and Redis,
// everything on this machine). Requests are sent at a fixed arrival rate whatever the server
// does, and each latency is measured from the request's *scheduled* time, so a slow server
// cannot hide its queueing (no coordinated omission).
//
//   npx tsx bench/load.ts                       # risk 100/250/500/1000 req/s × 60 s, collect steps
//   npx tsx bench/load.ts --duration 20 --rates 100,500 --collect-rates 1000,3000
//   npx tsx bench/load.ts --apis 2 --workers 2  # scale-out run
//   npx tsx bench/load.ts --soak 600 --rates 250 --collect-rates ''   # memory over 10 minutes
//   RISK_SCORING=inline npx tsx bench/load.ts   # the api scores risk calls itself (no queue hop)
//   npx tsx bench/load.ts --cost                # CPU and statements per login against a floor (lib/cost.ts)
//   npx tsx bench/load.ts --cost --rate 200 --duration 60 --modes worker,inline
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import type { SignalBundle } from '@kizuki/contract';
import * as S from '../libs/scoring/src/testing/scenario';
import { percentile, startStack, type Stack } from './lib/stack';
import { openLoop, pool, post, summarise, type Answer } from './lib/open-loop';
import { ADMIN_URL } from './lib/scratch-db';
import { describeYardstick, measureYardstick } from './lib/yardstick';
import { runCost } from './lib/cost';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const list = (s: string) => s.split(',').filter(Boolean).map(Number);
/** The share of requests answered within each latency bucket, e.g. "≤ 10 ms 97.1 %, ≤ 25 ms 99.0 %, …". */
const withinText = (within: (le: string) => number) =>
  ['0.01', '0.025', '0.05', '0.1']
    .map((le) => `≤ ${Number(le) * 1000} ms ${(100 * within(le)).toFixed(1)} %`)
    .join(', ');
const RATES = list(arg('rates', '100,250,500,1000'));
const DURATION = Number(arg('duration', '60'));
const COLLECT_RATES = list(arg('collect-rates', '1000,2000,3000,4000'));
const COLLECT_DURATION = Number(arg('collect-duration', '15'));
// Enough accounts that each logs in about once every few seconds at 500 req/s, as people do (a
// few hundred accounts would each log in several times a second: hot rows no real tenant has).
const ACCOUNTS = Number(arg('accounts', '3000'));
const ENROL = Number(arg('enrol', '3'));
const SOAK = Number(arg('soak', '0'));
const APIS = Number(arg('apis', '1'));
const WORKERS = Number(arg('workers', '1'));
// passed to the api and worker processes through the environment (bench/lib/stack.ts)
const SCORING = process.env.RISK_SCORING ?? 'worker';

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** Cumulative counts of the api's request-duration histogram for one route (summed over apis), by bucket bound. */
async function serverHistogram(apiUrls: string[], route: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const base of apiUrls) {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const m of text.matchAll(/kizuki_http_request_duration_seconds_bucket\{([^}]*)\} (\d+)/g)) {
      if (!m[1].includes(`route="${route}"`) || !/status="2\d\d"/.test(m[1])) continue;
      const le = /le="([^"]+)"/.exec(m[1])?.[1] ?? '';
      out.set(le, (out.get(le) ?? 0) + Number(m[2]));
    }
  }
  return out;
}

/** Sum over the apis of a metric's samples (all label sets), e.g. GC seconds, or the event-loop lag. */
async function apiGauge(apiUrls: string[], name: string): Promise<number> {
  let sum = 0;
  for (const base of apiUrls) {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))) sum += Number(m[1]);
  }
  return sum;
}

async function main(): Promise<void> {
  // before anything of Kizuki runs: how fast this machine is today (bench/lib/yardstick.ts)
  const yardstick = await measureYardstick(ADMIN_URL);
  console.error(`[load] machine yardstick: ${describeYardstick(yardstick)}`);
  const stack: Stack = await startStack({ apis: APIS, workers: WORKERS, env: { LOG_LEVEL: 'error' } });
  const apiUrls = Array.from({ length: APIS }, (_, i) =>
    stack.baseUrl.replace(/:(\d+)$/, (_m, p) => `:${Number(p) + i}`),
  );
  const url = (i: number, path: string) => apiUrls[i % APIS] + path;
  const pk = { 'x-kizuki-key': stack.tenant.publishableKey, origin: stack.tenant.origin };
  const sk = { authorization: `Bearer ${stack.tenant.secretKey}` };
  const people = Array.from({ length: ACCOUNTS }, (_, i) => S.makePerson(i + 1));
  const device = (i: number) => `load-device-${i}`;
  const bundleBody = (b: SignalBundle) => JSON.stringify(b);
  const pids = stack.processes.map((p) => p.pid);
  const memStart = pids.map(rssMb);
  console.error(
    `[load] stack up (${APIS} api, ${WORKERS} worker, RISK_SCORING=${SCORING}); RSS MB at start: ` +
      `${memStart.join(', ')}`,
  );

  const collect = async (i: number, body: string, scheduled = performance.now()) =>
    post(url(i, '/v1/collect'), pk, body, scheduled);
  const token = (a: Answer) =>
    a.status === 202 ? (JSON.parse(a.body) as { requestToken: string }).requestToken : undefined;
  const riskBody = (t: string | undefined, user: number, ip: string, status = 'succeeded') =>
    JSON.stringify({
      requestToken: t,
      event: 'login',
      status,
      user: { id: `user-${user}@example.com` },
      context: { ip, userAgent: 'Mozilla/5.0 (load)', acceptLanguage: 'ja-JP,ja;q=0.9' },
    });
  const ipOf = (u: number) => `203.0.${(u >> 8) & 255}.${u & 255}`;

  // Accounts with history: ENROL trusted logins each, with the person's own rhythm and device.
  const t0 = performance.now();
  await pool(ACCOUNTS * ENROL, 32, async (k) => {
    const u = k % ACCOUNTS;
    const c = await collect(k, bundleBody(S.humanBundle(people[u], device(u), 1000 + k)));
    return post(url(k, '/v1/risk'), sk, riskBody(token(c), u, ipOf(u)), performance.now());
  });
  console.error(
    `[load] enrolled ${ACCOUNTS} accounts × ${ENROL} logins in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // Planner statistics as a live database has them (autovacuum keeps them current): a database
  // filled seconds ago still has the statistics of an empty one, and plans chosen on those (an
  // index scan over a whole tenant for a unique key) would be measured instead of Kizuki.
  const pg = new Client({ connectionString: stack.env.DATABASE_URL });
  await pg.connect();
  await pg.query('ANALYZE');
  await pg.end();

  const results: ReturnType<typeof summarise>[] = [];
  const answeredIds: string[] = [];
  const workerLatency: { step: string; p50: number; p99: number; jobsPerSec: number }[] = [];
  const redis = new IORedis(stack.env.REDIS_URL);
  const scoreQueue = new Queue('score', { connection: redis, prefix: stack.env.KIZUKI_REDIS_PREFIX });
  // Each account's own device and rhythm: a login's bundle is its user's (2 per account, alternating).
  const bodies = Array.from({ length: ACCOUNTS * 2 }, (_, i) =>
    bundleBody(S.humanBundle(people[i % ACCOUNTS], device(i % ACCOUNTS), 50_000 + i)),
  );

  const bundleBytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
  console.error(
    `[load] SDK bundles: ${Math.round(bundleBytes)} bytes of JSON on average (keys, pointer trajectory, ` +
      `clicks, device traits)`,
  );
  const ingestQueue = new Queue('ingest', { connection: redis, prefix: stack.env.KIZUKI_REDIS_PREFIX });
  // Each step starts with empty queues: the backlog of the step before (or of the set-up) must not
  // be measured as this step's latency. Waits at most two minutes, and says so.
  const drain = async () => {
    const t = performance.now();
    for (;;) {
      const counts = await Promise.all(
        [scoreQueue, ingestQueue].map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
      );
      const left = counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0);
      if (left === 0) break;
      if (performance.now() - t > 120_000) {
        console.error(`[load] queues still hold ${left} jobs after 120 s; going on`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const s = (performance.now() - t) / 1000;
    if (s > 1) console.error(`[load] waited ${s.toFixed(1)} s for the queues to drain`);
  };

  const riskStep = async (rate: number, seconds: number, name: string) => {
    const count = Math.round(rate * seconds);
    // Tokens first (not measured): each login's collect happens before its risk call, as on a real page.
    const tokens = await pool(count, 64, async (i) =>
      token(await collect(i, bodies[(i % ACCOUNTS) + ACCOUNTS * (Math.floor(i / ACCOUNTS) % 2)])),
    );
    await drain();
    console.error(`[load] ${name} ${rate}/s for ${seconds} s: starting`);
    const since = Date.now();
    // inline: how busy the api's event loop is (the shedding signal), read once a second as Prometheus would
    const loop: number[] = [];
    const before = await serverHistogram(apiUrls, '/v1/risk');
    const loopSampler =
      SCORING === 'inline'
        ? setInterval(
            () =>
              void apiGauge(apiUrls, 'kizuki_api_event_loop_utilization').then(
                (u) => loop.push(u / APIS),
                () => undefined,
              ),
            1000,
          )
        : undefined;
    const answers = await openLoop(rate, count, (i, scheduled) => {
      const u = i % ACCOUNTS;
      return post(
        url(i, '/v1/risk'),
        sk,
        riskBody(tokens[i], u, ipOf(u), i % 20 === 0 ? 'failed' : 'succeeded'),
        scheduled,
      );
    });
    clearInterval(loopSampler);
    if (loop.length) {
      loop.sort((a, b) => a - b);
      console.error(
        `[load] ${name} ${rate}/s: api event-loop utilisation p50 ${percentile(loop, 50).toFixed(2)}, ` +
          `max ${loop[loop.length - 1].toFixed(2)}`,
      );
    }
    results.push(summarise(name, rate, seconds, answers));
    // the api's own view, without the load generator's and the kernel's share
    const after = await serverHistogram(apiUrls, '/v1/risk');
    const within = (le: string) =>
      ((after.get(le) ?? 0) - (before.get(le) ?? 0)) /
      Math.max(1, (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0));
    console.error(`[load] ${name} ${rate}/s inside the api: ` + `${withinText(within)}`);
    for (const a of answers) if (a.status === 200) answeredIds.push((JSON.parse(a.body) as { id: string }).id);
    const jobs = (await scoreQueue.getJobs(['completed'], 0, 5000)).filter((j) => j.timestamp >= since && j.finishedOn);
    const lat = jobs.map((j) => (j.finishedOn ?? 0) - j.timestamp).sort((a, b) => a - b);
    const span = jobs.length
      ? (Math.max(...jobs.map((j) => j.finishedOn ?? 0)) - Math.min(...jobs.map((j) => j.timestamp))) / 1000
      : NaN;
    workerLatency.push({
      step: name,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      jobsPerSec: +(jobs.length / span).toFixed(0),
    });
    console.error(`[load] ${JSON.stringify(results[results.length - 1])}`);
    await new Promise((r) => setTimeout(r, 2000));
  };

  for (const rate of RATES) await riskStep(rate, DURATION, 'risk');
  const rssTimeline: { s: number; mb: number[] }[] = [];
  if (SOAK > 0) {
    // memory of every process each minute: after warm-up it must stay flat, not climb
    const t0 = performance.now();
    const sampler = setInterval(() => {
      const mb = pids.map(rssMb);
      rssTimeline.push({ s: Math.round((performance.now() - t0) / 1000), mb });
      console.error(`[load] soak ${Math.round((performance.now() - t0) / 1000)} s: RSS MB ${mb.join(', ')}`);
    }, 60_000);
    await riskStep(RATES[0] ?? 250, SOAK, 'soak');
    clearInterval(sampler);
  }
  for (const rate of COLLECT_RATES) {
    await drain();
    const count = Math.round(rate * COLLECT_DURATION);
    const before = await serverHistogram(apiUrls, '/v1/collect');
    const gcBefore = await apiGauge(apiUrls, 'kizuki_api_nodejs_gc_duration_seconds_sum');
    const answers = await openLoop(rate, count, (i, scheduled) => collect(i, bodies[i % bodies.length], scheduled));
    results.push(summarise('collect', rate, COLLECT_DURATION, answers));
    console.error(`[load] ${JSON.stringify(results[results.length - 1])}`);
    // The api's own view (its request histogram): time from request to reply inside the server,
    // without the load generator's and the kernel's share of the latency above.
    const after = await serverHistogram(apiUrls, '/v1/collect');
    const within = (le: string) =>
      ((after.get(le) ?? 0) - (before.get(le) ?? 0)) /
      Math.max(1, (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0));
    const lagMax = await apiGauge(apiUrls, 'kizuki_api_nodejs_eventloop_lag_max_seconds');
    const gc = (await apiGauge(apiUrls, 'kizuki_api_nodejs_gc_duration_seconds_sum')) - gcBefore;
    console.error(
      `[load] collect ${rate}/s: api event-loop lag max ${(lagMax * 1000).toFixed(0)} ms, ` +
        `GC ${(gc * 1000).toFixed(0)} ms in the step; inside the api: ` +
        `${withinText(within)}`,
    );
  }
  const memEnd = pids.map(rssMb);
  await drain();
  // Exactly once, whatever the number of processes: every answered login (degraded or not) is
  // stored once, each account learned from each of its logins once, and the velocity counters
  // (shared by all workers) hold exactly the logins stored.
  const db = new Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const ids = [...new Set(answeredIds)];
  const [stored] = (
    await db.query<{ n: string }>(`SELECT count(*) AS n FROM assessments WHERE id = ANY($1::uuid[])`, [ids])
  ).rows;
  const [counts] = (
    await db.query<{ logins: string; rows: string }>(
      `SELECT (SELECT sum(login_count) FROM accounts) AS logins, (SELECT count(*) FROM assessments) AS rows`,
    )
  ).rows;
  // per IP: the logins inside the stuffing window (default policy: 60 min) ending at its last login
  const sample = (
    await db.query<{ ip: string; n: string }>(
      `SELECT host(a.ip) AS ip, count(*) AS n FROM assessments a
       JOIN (SELECT ip, max(created_at) AS last FROM assessments GROUP BY ip ORDER BY random() LIMIT 50) l
         ON l.ip = a.ip
      WHERE a.created_at > l.last - interval '60 minutes' GROUP BY a.ip`,
    )
  ).rows;
  const tenantId = stack.tenant.tenantId;
  let velocityOff = 0;
  for (const r of sample) {
    const z = await redis.zcard(`${stack.env.KIZUKI_REDIS_PREFIX}:vel:${tenantId}:ipl:${r.ip}`);
    if (z !== Number(r.n)) velocityOff++;
  }
  await db.end();
  const exactly = {
    answered: ids.length,
    storedOnce: Number(stored.n),
    accountsLoginCount: Number(counts.logins),
    assessmentRows: Number(counts.rows),
    velocityKeysChecked: sample.length,
    velocityKeysOff: velocityOff,
  };
  console.error(`[load] exactly once: ${JSON.stringify(exactly)}`);
  await Promise.all([scoreQueue.close(), ingestQueue.close()]);
  redis.disconnect();
  await stack.stop();

  console.log('\n| step | rate/s | s | sent | errors | degraded | p50 ms | p95 ms | p99 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| ${r.step} | ${r.rate} | ${r.seconds} | ${r.sent} | ${r.errors} | ${r.degraded} | ${r.p50} | ` +
        `${r.p95} | ${r.p99} | ${r.max} |`,
    );
  const inline = SCORING === 'inline' ? ': the api scores risk calls; the worker only the shed ones (below)' : '';
  console.log(`\nRISK_SCORING=${SCORING}${inline}`);
  console.log('\n| worker (score jobs) | jobs/s | enqueue→done p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- |');
  // inline with nothing shed, the worker scored no login in the step: '–', not NaN
  const cell = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : x);
  for (const w of workerLatency) console.log(`| ${w.step} | ${cell(w.jobsPerSec)} | ${cell(w.p50)} | ${cell(w.p99)} |`);
  console.log(`\nSDK bundle: ${Math.round(bundleBytes)} bytes of JSON on average`);
  console.log(`machine yardstick (before the run): ${describeYardstick(yardstick)}`);
  console.log(`\nRSS MB (api…, worker…): start ${memStart.join(', ')} → end ${memEnd.join(', ')}`);
  const sustained = results.filter((r) => r.step === 'collect' && r.errors === 0 && r.p99 <= 50).map((r) => r.rate);
  console.log(
    `collect: highest rate with p99 ≤ 50 ms and no errors: ${sustained.length ? Math.max(...sustained) : 'none'} req/s`,
  );
  console.log(
    `exactly once: ${exactly.storedOnce} of ${exactly.answered} answered logins stored (each once); ` +
      `accounts' login counts ${exactly.accountsLoginCount} = assessment rows ${exactly.assessmentRows}; ` +
      `velocity counters off on ${exactly.velocityKeysOff} of ${exactly.velocityKeysChecked} IPs checked`,
  );
  if (rssTimeline.length) {
    console.log('\n| soak minute | RSS MB (api…, worker…) |\n| --- | --- |');
    for (const r of rssTimeline) console.log(`| ${Math.round(r.s / 60)} | ${r.mb.join(', ')} |`);
  }
  console.log(
    JSON.stringify({
      bench: 'load',
      apis: APIS,
      workers: WORKERS,
      scoring: SCORING,
      yardstick,
      results,
      workerLatency,
      memStart,
      memEnd,
      exactly,
      rssTimeline,
    }),
  );
}

const run = process.argv.includes('--cost')
  ? () =>
      runCost({
        rate: Number(arg('rate', '200')),
        seconds: DURATION,
        accounts: ACCOUNTS,
        enrol: ENROL,
        modes: arg('modes', 'worker,inline').split(',').filter(Boolean),
      })
  : main;
run().catch((e) => {
  console.error(e);
  process.exit(1);
});
