import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { KizukiConfig } from '@kizuki/config';
import { BundleRepository, type StoredBundle } from '@kizuki/database';
import { createRedis, jobIds, QueueName, type IngestBundleJobData } from '@kizuki/queue';
import { IngestBundleJob } from '../ingest/ingest-bundle.job';

/**
 * A risk call may arrive before its bundle's ingest job ran. The api enqueues the ingest job
 * before it hands out the token, so the bundle is either stored already or still in the ingest
 * queue: in that case the score job ingests it itself (the ingest job, when it runs, is a no-op).
 */
@Injectable()
export class BundleResolver implements OnApplicationShutdown {
  private readonly logger = new Logger(BundleResolver.name);
  private readonly redis: IORedis;
  private readonly ingestQueue: Queue;

  constructor(
    config: KizukiConfig,
    private readonly bundles: BundleRepository,
    private readonly ingest: IngestBundleJob,
  ) {
    this.redis = createRedis(config.REDIS_URL, 'worker');
    this.ingestQueue = new Queue(QueueName.Ingest, { connection: this.redis, prefix: config.KIZUKI_REDIS_PREFIX });
    // without a listener BullMQ prints every connection error to stderr while Redis is down
    this.ingestQueue.on('error', (e) => this.logger.warn({ msg: 'ingest queue error', err: String(e) }));
  }

  /**
   * For a bundle the score job's load did not find stored: takes it from its ingest job, if that
   * is still queued, and stores it now (the ingest job, when it runs, is a no-op).
   */
  async fromIngestQueue(tenantId: string, bundleId: string): Promise<StoredBundle | null> {
    const job = (await Job.fromId(this.ingestQueue, jobIds.ingest(bundleId))) as Job<IngestBundleJobData> | undefined;
    // No job: it may have finished (and left Redis) since the caller looked in PostgreSQL.
    if (!job?.data) return this.bundles.find(tenantId, bundleId);
    if (job.data.tenantId !== tenantId) return null;
    await this.ingest.store(job.data);
    const d = job.data;
    return { id: bundleId, receivedAt: new Date(d.receivedAt), ip: d.ip, userAgent: d.userAgent, origin: d.origin, payload: d.bundle };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingestQueue.close();
    this.redis.disconnect();
  }
}
