import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { KizukiConfig } from '@kizuki/config';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { TcpProxy } from '../helpers/tcp-proxy';
import { freePort } from '../helpers/free-port';
import { until } from '../helpers/until';

jest.setTimeout(60_000);

const risk = (env: KizukiEnv, key: string, user: string) =>
  env.post(
    '/v1/risk',
    { event: 'login', status: 'attempted', user: { id: user }, context: { ip: '198.51.100.20' } },
    { authorization: `Bearer ${key}` },
  );

describe('PostgreSQL stops: degraded, not down, and back by itself', () => {
  const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
  let env: KizukiEnv;
  let key: string;

  beforeAll(async () => {
    await proxy.start();
    env = new KizukiEnv({}, { databasePort: proxy.port });
    await env.start();
    key = (await env.createTenant('A')).secretKey;
    expect((await risk(env, key, 'warm-up')).body.degraded).toBe(false); // the api now knows the key
  });
  afterAll(async () => {
    proxy.restore();
    await env.stop();
    await proxy.stop();
  });

  it('answers the fallback decision within the bound, says why in readiness, and recovers', async () => {
    proxy.cutOff();
    const during = await risk(env, key, 'during-outage');
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ decision: 'challenge', degraded: true });
    expect(during.ms).toBeLessThan(env.config.RISK_TIMEOUT_MS + 1000);
    const ready = await env.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres.status).toBe('down');
    expect(ready.body.checks.redis.status).toBe('up');

    proxy.restore();
    await until(async () => (await env.get('/health/ready')).status === 200, 15_000, 'ready again');
    await until(async () => (await risk(env, key, 'after-outage')).body.degraded === false, 15_000, 'scoring again');
    // The login that got the fallback answer was not lost: it is scored under the same id.
    await until(
      async () => (await env.sql(`SELECT 1 FROM assessments WHERE id = $1`, [during.body.id])).length === 1,
      20_000,
      'outage login stored',
    );
  });
});

describe('worker lifecycle', () => {
  const env = new KizukiEnv();
  let key: string;
  beforeAll(async () => {
    await env.start();
    key = (await env.createTenant('A')).secretKey;
  });
  afterAll(() => env.stop());

  it('finishes the jobs in flight when it shuts down gracefully', async () => {
    const redis = new IORedis(env.config.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('score', { connection: redis, prefix: env.config.KIZUKI_REDIS_PREFIX });
    try {
      // Logins keep arriving until the worker is caught with one in hand: a batch of 30 can be
      // scored before the first look (score jobs are batched and fast now).
      const calls: ReturnType<typeof risk>[] = [];
      let active: string[] = [];
      await until(
        async () => {
          for (let i = 0; i < 10; i++) calls.push(risk(env, key, `drain-${calls.length}`));
          // a job is active for milliseconds: look often
          for (let look = 0; look < 40; look++) {
            if ((active = (await queue.getActive()).map((j) => j.id!)).length > 0) return true;
            await new Promise((r) => setTimeout(r, 2));
          }
          return false;
        },
        20_000,
        'a job in flight',
      );
      await env.worker!.close(); // graceful: SIGTERM path
      env.worker = null;
      for (const id of active) expect(await (await queue.getJob(id))?.getState()).toBe('completed');
      expect(await queue.getActiveCount()).toBe(0);
      await env.startWorker();
      const answers = await Promise.all(calls);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      // Every call, answered in time or degraded, ends up stored exactly once.
      await until(
        async () =>
          Number(
            (await env.sql<{ n: string }>(`SELECT count(*) AS n FROM assessments WHERE status = 'attempted'`))[0].n,
          ) === calls.length,
        20_000,
        'all stored',
      );
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('refuses to start on a Redis that may evict keys', async () => {
    const port = await freePort();
    const redis: ChildProcess = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      {
        stdio: 'ignore',
      },
    );
    const ping = async () => {
      const probe = new IORedis(port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        return await probe.ping().catch(() => '');
      } finally {
        probe.disconnect();
      }
    };
    try {
      await until(async () => (await ping()) === 'PONG', 5000, 'private redis');
      const config = { ...env.config, REDIS_URL: `redis://127.0.0.1:${port}` } as KizukiConfig;
      await expect(createWorkerApp(config, { logger: false })).rejects.toThrow(/maxmemory-policy is 'allkeys-lru'/);
    } finally {
      redis.kill('SIGTERM');
    }
  });
});

describe('a burst beyond what the workers score: fast degraded answers, every login scored later', () => {
  let env: KizukiEnv;
  let key: string;

  beforeAll(async () => {
    env = new KizukiEnv({ RISK_MAX_IN_FLIGHT: '2', RISK_TIMEOUT_MS: '1500' });
    await env.start();
    key = (await env.createTenant('A')).secretKey;
    expect((await risk(env, key, 'warm-up')).body.degraded).toBe(false);
  });
  afterAll(async () => {
    await env.stop();
  });

  it('answers calls past RISK_MAX_IN_FLIGHT at once, still answers the waiting ones, and loses none', async () => {
    await env.killWorker(); // nothing is scored: the first two calls to arrive wait, the rest are shed
    type Answer = Awaited<ReturnType<typeof risk>>;
    const settled: Answer[] = [];
    const calls = Array.from({ length: 6 }, (_, i) => risk(env, key, `burst-${i}`).then((r) => (settled.push(r), r)));
    await until(async () => settled.length >= 4, 1000, 'four calls answered at once');
    const first = settled.slice(0, 4);
    for (const r of first) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ decision: 'challenge', degraded: true });
      expect(r.ms).toBeLessThan(500); // not the 1,500 ms wait
    }
    // the waiting two get their real answer as soon as a worker runs
    await env.startWorker();
    const all = await Promise.all(calls);
    const waited = all.filter((r) => !first.includes(r));
    expect(waited.length).toBe(2);
    for (const r of waited) expect(r.body.degraded).toBe(false);
    const ids = [...waited, ...first].map((r) => r.body.id as string);
    await until(
      async () => (await env.sql(`SELECT id FROM assessments WHERE id = ANY($1)`, [ids])).length === 6,
      10_000,
      'all six scored',
    );
    const metrics = await fetch(`${env.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^kizuki_risk_shed_total 4$/m);
  });
});
