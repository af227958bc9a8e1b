import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { jobIds, QueueName } from '@kizuki/queue';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(60_000);

const ORIGIN = 'https://shop.example';

/** RISK_SCORING=inline: the api scores risk calls itself; workers only score what it could not. */
function inlineEnv(overrides: Record<string, string> = {}) {
  // Shedding by event-loop load off: the api shares this test process's loop with the worker and
  // the test itself (unit-tested in event-loop-load.spec.ts, measured by bench/load.ts).
  const env = new KizukiEnv({ RISK_SCORING: 'inline', RISK_INLINE_MAX_LOOP_UTILIZATION: '1', ...overrides });
  let tenant: { publishableKey: string; secretKey: string };
  let redis: IORedis;
  let scoreQueue: Queue;
  const collect = (seed: number, visitorId: string) =>
    env.post('/v1/collect', makeBundle({ seed, visitorId }), { 'x-kizuki-key': tenant.publishableKey, origin: ORIGIN });
  const risk = (token: string | undefined, user: string) =>
    env.post(
      '/v1/risk',
      {
        requestToken: token,
        event: 'login',
        status: 'succeeded',
        user: { id: user },
        context: { ip: '203.0.113.10', userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP' },
      },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
  beforeAll(async () => {
    await env.start();
    tenant = await env.createTenant('Inline', [ORIGIN]);
    redis = new IORedis(env.config.REDIS_URL);
    scoreQueue = new Queue(QueueName.Score, { connection: redis, prefix: env.config.KIZUKI_REDIS_PREFIX });
  });
  afterAll(async () => {
    await scoreQueue.close();
    redis.disconnect();
    await env.stop();
  });
  return { env, collect, risk, scoreJob: (assessmentId: string) => scoreQueue.getJob(jobIds.score(assessmentId)) };
}

describe('inline scoring: the api answers with no worker and no queue hop', () => {
  const { env, collect, risk, scoreJob } = inlineEnv();

  it(
    'scores a login with its behaviour while no worker runs, stores it once, ' + 'and answers a retry the same',
    async () => {
      await env.killWorker();
      // the bundle's ingest job waits in Redis (no worker): the api's score takes it from there
      const c = await collect(1, 'visitor-inline-001');
      expect(c.status).toBe(202);
      const r = await risk(c.body.requestToken, 'alice@example.com');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ decision: 'allow', degraded: false, device: { status: 'trusted' } });
      expect(r.body.reasons.map((x: { code: string }) => x.code)).toContain('NEW_USER');
      expect(r.body.scores.typing).not.toBeUndefined();

      const rows = await env.sql<{ bundle_id: string; decision: string }>(
        `SELECT bundle_id, decision FROM assessments WHERE id = $1`,
        [r.body.id],
      );
      expect(rows).toEqual([{ bundle_id: expect.any(String), decision: 'allow' }]);
      expect(await env.sql(`SELECT id FROM signal_bundles WHERE id = $1`, [rows[0].bundle_id])).toHaveLength(1);
      expect(await scoreJob(r.body.id)).toBeUndefined(); // no score job: scored in the api

      const again = await risk(c.body.requestToken, 'alice@example.com');
      expect(again.body).toEqual(r.body);
      expect(await env.sql(`SELECT id FROM assessments`)).toHaveLength(1);

      // the same account, a second login on the same device: it has history now
      const c2 = await collect(2, 'visitor-inline-001');
      const r2 = await risk(c2.body.requestToken, 'alice@example.com');
      expect(r2.body.degraded).toBe(false);
      expect(r2.body.reasons.map((x: { code: string }) => x.code)).toContain('KNOWN_DEVICE');

      // the ingest job, run late by a worker, stores nothing twice
      await env.startWorker();
      await until(
        async () => (await env.sql(`SELECT 1 FROM signal_bundles`)).length === 2,
        10_000,
        'both bundles stored',
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(await env.sql(`SELECT id FROM signal_bundles`)).toHaveLength(2);
    },
  );
});

describe('inline scoring past its deadline: degraded now, scored once, the api never piles up stuck scores', () => {
  const { env, collect, risk, scoreJob } = inlineEnv({ RISK_TIMEOUT_MS: '1000', RISK_MAX_IN_FLIGHT: '1' });

  it(
    'answers the fallback at the deadline, queues the job, sheds while the run is stuck, ' +
      'and stores each login once',
    async () => {
      // the api knows the key and has its connections (a cold first call may miss the deadline)
      await until(async () => (await risk(undefined, 'warm-up')).body.degraded === false, 15_000, 'a warm-up scored');
      await env.killWorker();
      const c = await collect(3, 'visitor-inline-002');

      // Writes of assessments wait on this lock: the api's score gets stuck at its record.
      const locker = new Client({ connectionString: env.config.DATABASE_URL });
      await locker.connect();
      let slow: Awaited<ReturnType<typeof risk>>;
      let shed: Awaited<ReturnType<typeof risk>>;
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE assessment_keys IN EXCLUSIVE MODE');

        slow = await risk(c.body.requestToken, 'bob@example.com');
        expect(slow.status).toBe(200);
        expect(slow.body).toMatchObject({ decision: 'challenge', degraded: true, score: null });
        expect(slow.ms).toBeGreaterThanOrEqual(990);
        expect(slow.ms).toBeLessThan(3000);
        // its job is queued, waiting for a worker, under the id the caller was given
        await until(async () => (await scoreJob(slow.body.id)) !== undefined, 5000, 'score job queued');

        // The stuck run still counts against RISK_MAX_IN_FLIGHT (1): the next call is shed at once
        // instead of starting a second stuck run.
        shed = await risk(undefined, 'carol@example.com');
        expect(shed.body.degraded).toBe(true);
        expect(shed.ms).toBeLessThan(900); // not the 1,000 ms deadline
        const metrics = await fetch(`${env.baseUrl}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/^kizuki_risk_shed_total 1$/m);
        // inline, the api samples its event loop (the shedding signal) and shows it
        expect(Number(/^kizuki_api_event_loop_utilization (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
        await until(async () => (await scoreJob(shed.body.id)) !== undefined, 5000, 'shed job queued');
        await locker.query('COMMIT');
      } finally {
        await locker.end();
      }

      // The stuck run goes on once the lock is gone and records the login under the answered id.
      await until(
        async () => (await env.sql(`SELECT 1 FROM assessments WHERE id = $1`, [slow.body.id])).length === 1,
        10_000,
        'the stuck run recorded',
      );
      // A worker takes the queued jobs: the slow call's finds it recorded; the shed call's scores it.
      await env.startWorker();
      for (const id of [slow.body.id, shed.body.id]) {
        await until(async () => (await (await scoreJob(id))?.isCompleted()) === true, 10_000, `job ${id} completed`);
        expect((await scoreJob(id))?.returnvalue).toMatchObject({ id, degraded: false });
      }
      expect(
        await env.sql(`SELECT id FROM assessments WHERE id = ANY($1)`, [[slow.body.id, shed.body.id]]),
      ).toHaveLength(2);
      // the caller's retry now gets the real answer, same id
      const retry = await risk(c.body.requestToken, 'bob@example.com');
      expect(retry.body).toMatchObject({ id: slow.body.id, degraded: false, decision: 'allow' });
    },
  );
});
