// `npm start` (scripts/start.mjs) on a database and Redis prefix of its own, with its state in a
// temporary directory: it migrates, creates a working demo tenant, and when one of its two processes
// dies it stops the other and exits, instead of waiting forever for a child that had already exited
// (a child killed by a signal has exitCode null: the wait never ended, and the embedded
// PostgreSQL was left running to break the next start).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../helpers/free-port';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';
import { until } from '../helpers/until';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..');
const ADMIN_URL = process.env.KIZUKI_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/** The pids of a process's children whose command line contains `match`. */
const childPids = (pid: number, match: string) =>
  spawnSync('pgrep', ['-P', String(pid), '-f', match], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start (scripts/start.mjs)', () => {
  const id = randomBytes(5).toString('hex');
  const db = `kizuki_test_start_${id}`;
  const prefix = `{kztest-start-${id}}`;
  const state = mkdtempSync(join(tmpdir(), 'kizuki-start-'));
  let start: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (start?.pid && start.exitCode === null && start.signalCode === null) {
      for (const pid of childPids(start.pid, 'dist/apps')) process.kill(pid, 'SIGKILL');
      start.kill('SIGKILL');
    }
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await deleteRedisPrefix(REDIS_URL, prefix);
    rmSync(state, { recursive: true, force: true });
  });

  it('runs a working Kizuki, and stops all of it when one of its processes dies', async () => {
    await admin(`CREATE DATABASE ${db}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${db}`;
    const port = await freePort();
    start = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url.toString(),
        REDIS_URL,
        KIZUKI_REDIS_PREFIX: prefix,
        KIZUKI_STATE_DIR: state,
        PORT: String(port),
        LOG_LEVEL: 'error',
        NODE_ENV: 'development',
        HOST: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', (d) => (output += d));
    start.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => start!.once('exit', (code) => r(code)));
    const base = `http://127.0.0.1:${port}`;
    // a build may run first when the sources are newer than dist/
    await until(
      async () => (await fetch(`${base}/health/ready`).catch(() => null))?.status === 200,
      200_000,
      'the api to be ready',
    );

    // the demo tenant it created (keys kept in the state directory, not the checkout) scores a login
    const demo = JSON.parse(readFileSync(join(state, 'demo.json'), 'utf8')) as { secretKey: string };
    // the api is ready before the worker has loaded its geo data: until then calls are answered
    // degraded (and scored later); a scored answer shows both processes work
    let tries = 0;
    await until(
      async () => {
        const risk = await fetch(`${base}/v1/risk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.secretKey}` },
          body: JSON.stringify({
            event: 'login',
            status: 'succeeded',
            user: { id: `start-${tries++}@example.com` },
            context: { ip: '203.0.113.5' },
          }),
        });
        return risk.status === 200 && ((await risk.json()) as { degraded: boolean }).degraded === false;
      },
      60_000,
      'a risk call scored by the worker',
    );

    // it listens on loopback only (HOST unset): this machine's other addresses are refused
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (outside)
      await expect(
        fetch(`http://${outside.address}:${port}/health`, { signal: AbortSignal.timeout(2000) }),
      ).rejects.toThrow();
    expect(output).toContain('listening on 127.0.0.1 only');

    const [worker] = childPids(start.pid!, 'dist/apps/worker');
    const [api] = childPids(start.pid!, 'dist/apps/api');
    expect(worker).toBeGreaterThan(0);
    expect(api).toBeGreaterThan(0);
    process.kill(worker, 'SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
    expect(code).toBe(1);
    expect(output).toMatch(/worker exited \(SIGTERM\); stopping/);
    expect(alive(api)).toBe(false);
  });
});
