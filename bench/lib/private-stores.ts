// A private PostgreSQL cluster and a private Redis server for one bench run, on loopback ports of
// their own: their processes' CPU is then this run's alone (the machine's shared servers also serve
// other people's tests), and PostgreSQL can load pg_stat_statements, which ships with the stock
// server package and only needs shared_preload_libraries. Removed again by stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface PrivateStores {
  /** superuser URL of the private cluster's `postgres` database */
  pgAdminUrl: string;
  redisUrl: string;
  postmasterPid: number;
  redisPid: number;
  stop(): Promise<void>;
}

/** PostgreSQL's server binaries: KIZUKI_BENCH_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
function pgBin(): string {
  if (process.env.KIZUKI_BENCH_PG_BIN) return process.env.KIZUKI_BENCH_PG_BIN;
  const versions = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error('no PostgreSQL server binaries (set KIZUKI_BENCH_PG_BIN)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

async function until(what: string, ms: number, ready: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startPrivateStores(pgSettings: Record<string, string> = {}): Promise<PrivateStores> {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-cost-'));
  const data = join(dir, 'pg');
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const init = spawnSync(
    ...run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']),
    {
      encoding: 'utf8',
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const pgPort = freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(pgPort),
    unix_socket_directories: dir,
    shared_preload_libraries: 'pg_stat_statements',
    // 'all': also the statements run inside the score path's SQL functions (the column toplevel tells them apart)
    'pg_stat_statements.track': 'all',
    log_min_messages: 'warning',
    log_checkpoints: 'off',
    max_connections: '200',
    ...pgSettings,
  };
  const pg: ChildProcess = spawn(
    ...run(join(bin, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]),
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const pgAdminUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  await until('private PostgreSQL', 30_000, async () => {
    const c = new Client({ connectionString: pgAdminUrl });
    try {
      await c.connect();
      await c.end();
      return true;
    } catch {
      return false;
    }
  });
  const postmasterPid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const admin = new Client({ connectionString: pgAdminUrl });
  await admin.connect();
  // the app's role (migrations create it in a fresh cluster too) needs nothing here; the extension does
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await admin.end();

  const redisPort = freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  await until('private Redis', 10_000, async () => {
    const r = spawnSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8' });
    return r.stdout.trim() === 'PONG';
  });

  return {
    pgAdminUrl,
    redisUrl,
    postmasterPid,
    redisPid: redis.pid!,
    async stop() {
      const exited = (p: ChildProcess) =>
        p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r));
      redis.kill('SIGTERM');
      process.kill(postmasterPid, 'SIGINT'); // fast shutdown
      await Promise.all([exited(redis), exited(pg)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
