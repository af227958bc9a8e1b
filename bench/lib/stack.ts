// Starts a production build of Kizuki (dist/apps/api + dist/apps/worker as separate processes)
// on a fresh PostgreSQL database and Redis prefix, for benchmarks. Everything stays on this machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';
import { ADMIN_URL, admin } from './scratch-db';

export const ROOT = resolve(__dirname, '../..');
// The checkout whose build the stack runs: this one, or another (KIZUKI_BENCH_BUILD=/path/to/checkout) to compare two
// builds with the same load generator, e.g. before and after a refactor.
const BUILD = resolve(process.env.KIZUKI_BENCH_BUILD ?? ROOT);
// Extra node flags for the api/worker processes, e.g. KIZUKI_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
// KIZUKI_BENCH_CPU_PROF=<dir> preloads cpu-prof.js: a CPU profile of bench/lib/cost.ts's measured window only.
const NODE_ARGS = [
  ...(process.env.KIZUKI_BENCH_CPU_PROF ? ['-r', join(__dirname, 'cpu-prof.js')] : []),
  ...(process.env.KIZUKI_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
];

/** The origin the bench tenant registers; collects must send it (no origin registered → 403). */
export const BENCH_ORIGIN = 'https://shop.example';

export interface Stack {
  baseUrl: string;
  /** the scratch database's name */
  database: string;
  env: Record<string, string>;
  tenant: { tenantId: string; publishableKey: string; secretKey: string; origin: string };
  processes: ChildProcess[];
  /** Starts one more worker process (same env), e.g. after killing one; it joins `processes`. */
  startWorker(): ChildProcess;
  stop(): Promise<void>;
}

export interface StackOptions {
  apis?: number;
  workers?: number;
  env?: Record<string, string>;
  /** the PostgreSQL server to make the scratch database on (default: the machine's, scratch-db.ts) */
  adminUrl?: string;
  /** default: REDIS_URL, else the machine's Redis */
  redisUrl?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!['api', 'worker', 'cli'].every((a) => existsSync(join(BUILD, `dist/apps/${a}/main.js`)))) {
    if (spawnSync('npm', ['run', 'build'], { cwd: BUILD, stdio: 'inherit' }).status !== 0)
      throw new Error('build failed');
  }
  const id = randomBytes(4).toString('hex');
  const db = `kizuki_bench_${id}`;
  const adminUrl = options.adminUrl ?? ADMIN_URL;
  await admin(`CREATE DATABASE ${db}`, adminUrl);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${db}`;
  const port = 3900 + Math.floor(Math.random() * 50);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    KIZUKI_SECRET: randomBytes(32).toString('hex'),
    KIZUKI_REDIS_PREFIX: `{kzbench-${id}}`,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // benchmarks measure throughput, not the API's rate limits (test/e2e/security.e2e-spec.ts does)
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PER_IP: '0',
    ...options.env,
  };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(BUILD, 'dist/apps/cli/main.js'), ...args], { env, encoding: 'utf8' });
  const migrated = cli('migrate');
  if (migrated.status !== 0) throw new Error(migrated.stderr);
  const created = cli('tenants', 'create', '--name', 'Bench', '--origin', BENCH_ORIGIN);
  if (created.status !== 0) throw new Error(created.stderr);
  const tenant = { ...JSON.parse(created.stdout), origin: BENCH_ORIGIN };
  const processes: ChildProcess[] = [];
  const apis = options.apis ?? 1;
  for (let i = 0; i < apis; i++) {
    processes.push(
      spawn(process.execPath, [...NODE_ARGS, join(BUILD, 'dist/apps/api/main.js')], {
        env: { ...env, PORT: String(port + i) },
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
  }
  const startWorker = () => {
    const p = spawn(process.execPath, [...NODE_ARGS, join(BUILD, 'dist/apps/worker/main.js')], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    processes.push(p);
    return p;
  };
  for (let i = 0; i < (options.workers ?? 1); i++) startWorker();
  const baseUrl = `http://127.0.0.1:${port}`;
  // three minutes: on a host shared with other builds an api has taken over 60 s to start (load average 30)
  const until = Date.now() + 180_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) throw new Error('api did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 500)); // let the worker connect
  return {
    baseUrl,
    database: db,
    env,
    tenant,
    processes,
    startWorker,
    async stop() {
      // a process killed by a signal has exitCode null and a signalCode: it has exited already
      await Promise.all(
        processes.map((p) =>
          p.exitCode === null && p.signalCode === null
            ? new Promise((r) => {
                p.once('exit', r);
                p.kill('SIGTERM');
              })
            : null,
        ),
      );
      // KIZUKI_BENCH_KEEP_DB=1 leaves the database for a look afterwards (EXPLAIN, pgbench)
      if (process.env.KIZUKI_BENCH_KEEP_DB === '1') console.error(`[bench] database kept: ${db}`);
      else await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, adminUrl);
      await deleteRedisPrefix(env.REDIS_URL, env.KIZUKI_REDIS_PREFIX);
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
