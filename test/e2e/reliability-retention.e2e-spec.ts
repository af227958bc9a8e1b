import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { JobName, JOB_QUEUE } from '@kizuki/queue';
import { RETENTION_SCHEDULER_ID } from '../../apps/worker/src/retention/retention.job';
import { KizukiEnv } from '../helpers/kizuki-env';

jest.setTimeout(120_000);

/**
 * Retention: raw signals after the tenant's period (default 30 days), assessments after theirs
 * (default 180), purged by the worker's RetentionJob in bounded batches; tested with backdated rows.
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

  async function seed(tenantId: string, n: number, ageDays: number): Promise<void> {
    await env.sql(
      `INSERT INTO signal_bundles (id, tenant_id, received_at, payload)
       SELECT gen_random_uuid(), $1, now() - make_interval(days => $2), '{}'::jsonb FROM generate_series(1, $3)`,
      [tenantId, ageDays, n],
    );
    const [acc] = await env.sql<{ id: string }>(`INSERT INTO accounts (tenant_id, user_hash) VALUES ($1, md5(random()::text)) RETURNING id`, [tenantId]);
    await env.sql(
      `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, event, status, decision, policy_decision, score, scores, reasons, created_at)
       SELECT gen_random_uuid(), $1, md5(random()::text), $2, 'login', 'succeeded', 'allow', 'allow', 1, '{}', '[]', now() - make_interval(days => $3)
         FROM generate_series(1, $4)`,
      [tenantId, acc.id, ageDays, n],
    );
  }
  const count = async (table: string, tenantId: string) => (await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]))[0].n;

  it('is scheduled once, under a deterministic id, however many workers start', async () => {
    await env.killWorker();
    await env.startWorker(); // a second start upserts the same scheduler
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === RETENTION_SCHEDULER_ID || s.id === RETENTION_SCHEDULER_ID)).toHaveLength(1);
    expect(schedulers).toHaveLength(1);
  });

  it('purges backdated bundles after 30 days and assessments after 180 by default, a tenant\'s own periods otherwise, in batches', async () => {
    const a = await env.createTenant('Default retention');
    const b = await env.createTenant('Short retention');
    await env.sql(`UPDATE tenants SET retention = '{"signalBundlesDays": 7, "assessmentsDays": 20}' WHERE id = $1`, [b.tenantId]);
    for (const t of [a.tenantId, b.tenantId]) {
      await seed(t, 25, 200); // older than everything
      await seed(t, 12, 40); // bundles expired by default; assessments kept by default
      await seed(t, 8, 10); // expired only for tenant b's bundles
      await seed(t, 5, 1); // fresh
    }
    const events = new QueueEvents(JOB_QUEUE[JobName.Retention], { connection: new IORedis(env.config.REDIS_URL, { maxRetriesPerRequest: null }), prefix: env.config.KIZUKI_REDIS_PREFIX });
    await events.waitUntilReady();
    const job = await queue.add(JobName.Retention, {}, { jobId: 'retention-test-run' });
    const result = await job.waitUntilFinished(events, 60_000);
    await events.close();
    // a: bundles older than 30 d (25 + 12) go, assessments older than 180 d (25) go
    expect(await count('signal_bundles', a.tenantId)).toBe(8 + 5);
    expect(await count('assessments', a.tenantId)).toBe(12 + 8 + 5);
    // b: bundles older than 7 d (25 + 12 + 8), assessments older than 20 d (25 + 12)
    expect(await count('signal_bundles', b.tenantId)).toBe(5);
    expect(await count('assessments', b.tenantId)).toBe(8 + 5);
    expect(result).toMatchObject({ tenants: 2, signalBundles: 37 + 45, assessments: 25 + 37 });
    // profiles (accounts) keep their aggregates
    expect(await count('accounts', a.tenantId)).toBe(4);
  });
});
