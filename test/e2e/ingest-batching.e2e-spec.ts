import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { loadConfig } from '@kizuki/config';
import { jobIds, QueueName, RedisConnections, type IngestBundleJobData, type ReceivedBundle } from '@kizuki/queue';
import { IngestBatcher } from '../../apps/api/src/queue/ingest-batcher';
import { JobProducer } from '../../apps/api/src/queue/job-producer';
import { makeBundle } from '../../fixtures/factories';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// The collects of one event-loop turn leave as one ingest job (bounded in size), on real Redis.
describe('ingest batching: the bundles of one moment in one job', () => {
  const prefix = `{kztest-${randomBytes(5).toString('hex')}}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
    REDIS_URL,
    KIZUKI_SECRET: randomBytes(32).toString('hex'),
    KIZUKI_REDIS_PREFIX: prefix,
  });
  let connections: RedisConnections;
  let producer: IngestBatcher;
  let queue: Queue;
  let redis: IORedis;

  beforeAll(() => {
    connections = new RedisConnections(config);
    producer = new IngestBatcher(new JobProducer(connections));
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QueueName.Ingest, { connection: redis, prefix });
  });
  afterAll(async () => {
    await connections.onApplicationShutdown();
    await queue.close();
    redis.disconnect();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });

  const received = (i: number): ReceivedBundle => ({
    tenantId: randomUUID(),
    bundleId: randomUUID(),
    receivedAt: new Date().toISOString(),
    ip: `192.0.2.${i % 250}`,
    userAgent: null,
    origin: null,
    bundle: makeBundle({ seed: i + 1, visitorId: `visitor-batch-${i}` }),
  });

  it(
    '40 bundles handed in at once become two jobs (32 + 8) that hold each bundle once, ' + 'and a later one its own',
    async () => {
      const bundles = Array.from({ length: 40 }, (_, i) => received(i));
      const batchIds = await Promise.all(bundles.map((b) => producer.addBundle(b)));
      const distinct = [...new Set(batchIds)];
      expect(distinct).toHaveLength(2);
      expect(batchIds.slice(0, 32).every((id) => id === batchIds[0])).toBe(true);
      expect(batchIds.slice(32).every((id) => id === batchIds[32])).toBe(true);
      const jobs = await Promise.all(distinct.map((id) => Job.fromId<IngestBundleJobData>(queue, jobIds.ingest(id))));
      expect(jobs.map((j) => j?.data.bundles.length)).toEqual([32, 8]);
      expect(jobs.flatMap((j) => j!.data.bundles.map((b) => b.bundleId))).toEqual(bundles.map((b) => b.bundleId));
      expect(jobs[0]!.data.bundles[5]).toEqual(bundles[5]);

      const later = await producer.addBundle(received(41));
      expect(distinct).not.toContain(later);
      expect((await Job.fromId<IngestBundleJobData>(queue, jobIds.ingest(later)))?.data.bundles).toHaveLength(1);
    },
  );
});
