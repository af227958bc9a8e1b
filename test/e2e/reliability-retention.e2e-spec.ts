import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { JobName, JOB_QUEUE } from '@kizuki/queue';
import { RETENTION_SCHEDULER_ID } from '../../apps/worker/src/retention/retention.job';
import { CONSOLE_ROLLUP_SCHEDULER_ID } from '../../apps/worker/src/console-rollup/console-rollup.job';
import { IP_SUMMARY_SCHEDULER_ID } from '../../apps/worker/src/ip-summary/ip-summary.job';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(120_000);

/**
 * Retention: raw signals after the tenant's period (default 30 days), assessments after theirs
 * (default 180), rounded up to their time partition (a UTC day, a UTC month), purged by the
 * worker's RetentionJob; tested with rows backdated from a fixed clock, which all sit in the
 * default partition and so go row by row, in bounded batches (test/e2e/partitions.e2e-spec.ts
 * covers partitions dropped whole).
 */
describe('retention job', () => {
  const env = new KizukiEnv({ RETENTION_BATCH_SIZE: '10' });
  let redis: IORedis;
  let queue: Queue;

  beforeAll(async () => {
    await env.start();
    redis = new IORedis(env.config.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(JOB_QUEUE[JobName.Retention], { connection: redis, prefix: env.config.KIZUKI_REDIS_PREFIX });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await env.stop();
  });

  /** The retention run's clock: mid-month, so the month-rounding below holds whatever today is. */
  const NOW = new Date('2031-03-20T12:00:00Z');

  /** n bundles and n assessments (one labelled) of `tenantId`, `ageDays` before NOW. */
  async function seed(tenantId: string, n: number, ageDays: number): Promise<void> {
    await env.sql(
      `INSERT INTO signal_bundles (id, tenant_id, received_at, payload)
       SELECT gen_random_uuid(), $1, $4::timestamptz - make_interval(days => $2), '{}'::jsonb
         FROM generate_series(1, $3)`,
      [tenantId, ageDays, n, NOW],
    );
    const [acc] = await env.sql<{ id: string }>(
      `INSERT INTO accounts (tenant_id, user_hash) VALUES ($1, md5(random()::text)) RETURNING id`,
      [tenantId],
    );
    await env.sql(
      `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision,
        policy_decision, score, scores, reasons, created_at)
       SELECT gen_random_uuid(), $1, md5(random()::text), $2, 'login', 'succeeded', 'allow', 'allow', 1,
         '{}', '[]', $5::timestamptz - make_interval(days => $3)
         FROM generate_series(1, $4)`,
      [tenantId, acc.id, ageDays, n, NOW],
    );
    await env.sql(
      `INSERT INTO feedback (tenant_id, assessment_id, label, created_at)
       SELECT tenant_id, id, 'legit', created_at FROM assessments WHERE account_id = $1 LIMIT 1`,
      [acc.id],
    );
    await env.sql(
      `INSERT INTO assessment_keys (tenant_id, idempotency_key, assessment_id, created_at)
       SELECT tenant_id, idempotency_key, id, created_at FROM assessments WHERE account_id = $1`,
      [acc.id],
    );
  }
  const count = async (table: string, tenantId: string) =>
    (await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]))[0].n;

  it('is scheduled once, under a deterministic id, however many workers start', async () => {
    await env.killWorker();
    await env.startWorker(); // a second start upserts the same scheduler
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === RETENTION_SCHEDULER_ID || s.id === RETENTION_SCHEDULER_ID)).toHaveLength(
      1,
    );
    // and the console roll-up's, on the same queue
    expect(
      schedulers.filter((s) => s.key === CONSOLE_ROLLUP_SCHEDULER_ID || s.id === CONSOLE_ROLLUP_SCHEDULER_ID),
    ).toHaveLength(1);
    // and the IP summary's
    expect(
      schedulers.filter((s) => s.key === IP_SUMMARY_SCHEDULER_ID || s.id === IP_SUMMARY_SCHEDULER_ID),
    ).toHaveLength(1);
    expect(schedulers).toHaveLength(3);
  });

  it(
    "purges bundles after 30 days and assessments after 180 by default, a tenant's own periods otherwise, " +
      'only the longest rounded up to the partition, in batches',
    async () => {
      const a = await env.createTenant('Default retention');
      const b = await env.createTenant('Short retention');
      await env.sql(`UPDATE tenants SET retention = '{"signalBundlesDays": 7, "assessmentsDays": 20}' WHERE id = $1`, [
        b.tenantId,
      ]);
      for (const t of [a.tenantId, b.tenantId]) {
        await seed(t, 25, 250); // older than everything
        await seed(t, 12, 40); // bundles expired by default; b's assessments past its 20 days
        await seed(t, 8, 10); // expired only for tenant b's bundles
        await seed(t, 5, 1); // fresh
        await seed(t, 3, 200); // assessments 200 days old: but 2030-09-01T12:00, in the month that 180 days reaches
      }
      // the console roll-up of every seeded hour (one hour per seed call: its rows share a time)
      for (const t of [a.tenantId, b.tenantId]) {
        await env.sql(`SELECT kizuki_console_rollup($1, $2::timestamptz - interval '260 days', $2)`, [t, NOW]);
      }
      expect(await count('console_hours', a.tenantId)).toBe(5);
      // and of every seeded day (each closed before NOW's day)
      expect(await count('console_days', a.tenantId)).toBe(5);
      const events = new QueueEvents(JOB_QUEUE[JobName.Retention], {
        connection: new IORedis(env.config.REDIS_URL, { maxRetriesPerRequest: null }),
        prefix: env.config.KIZUKI_REDIS_PREFIX,
      });
      await events.waitUntilReady();
      const job = await queue.add(JobName.Retention, { now: NOW.toISOString() }, { jobId: 'retention-test-run' });
      const result = await job.waitUntilFinished(events, 60_000);
      await events.close();
      // a: bundles from before 2031-02-18 (30 days, to the day) go: 25 + 12 + 3;
      //    assessments from before 2030-09-01 (180 days, to the month) go: 25
      expect(await count('signal_bundles', a.tenantId)).toBe(8 + 5);
      expect(await count('assessments', a.tenantId)).toBe(12 + 8 + 5 + 3);
      // b: bundles from before 2031-03-13T12:00 (7 days, exactly: b is not the longest keeper, its
      //    rows go one by one anyway) go: 25 + 12 + 8 + 3;
      //    assessments from before 2031-02-28T12:00 (20 days, exactly; rounded to the month they
      //    would stay until 2031-02-01) go: 25 + 12 + 3
      expect(await count('signal_bundles', b.tenantId)).toBe(5);
      expect(await count('assessments', b.tenantId)).toBe(8 + 5);
      // labels go with their period; idempotency keys after two days
      expect(await count('feedback', a.tenantId)).toBe(4);
      expect(await count('feedback', b.tenantId)).toBe(2);
      expect(await count('assessment_keys', a.tenantId)).toBe(5);
      expect(result).toMatchObject({
        tenants: 2,
        signalBundles: 40 + 48,
        assessments: 25 + 40,
        feedback: 1 + 3,
        assessmentKeys: 2 * (25 + 12 + 8 + 3),
      });
      // the roll-up's hours, 10-minute windows and days go with the assessments they were made of:
      // a keeps 200, 40, 10 and 1 days ago; b keeps 10 and 1 days ago
      for (const table of ['console_hours', 'console_bursts', 'console_days']) {
        expect(await count(table, a.tenantId)).toBe(4);
        expect(await count(table, b.tenantId)).toBe(2);
      }
      expect(result.consoleRollup).toBe(3 * (1 + 3));
      // profiles (accounts) keep their aggregates
      expect(await count('accounts', a.tenantId)).toBe(5);
    },
  );
});
