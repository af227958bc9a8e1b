import { Injectable } from '@nestjs/common';
import { Job, type Queue } from 'bullmq';
import { BundleRepository, type StoredBundle } from '@kizuki/database';
import { jobIds, RedisConnections, QueueName, receivedBundles, type IngestBundleJobData } from '@kizuki/queue';
import { BundleWriter } from './bundle-writer';

/**
 * A risk call may arrive before its bundle's ingest job ran. The api enqueues the ingest job
 * before it hands out the token, so the bundle is either stored already or still in the ingest
 * queue: in that case the scorer stores it itself (the ingest job, when it runs, is a no-op).
 */
@Injectable()
export class BundleResolver {
  private readonly ingestQueue: Queue;

  constructor(
    redis: RedisConnections,
    private readonly bundles: BundleRepository,
    private readonly writer: BundleWriter,
  ) {
    this.ingestQueue = redis.queue(QueueName.Ingest, 'bullmq');
  }

  /**
   * For a bundle the scorer's load did not find stored: takes it from its ingest job (the batch
   * the request token names; a token from before batching names none: the job has the bundle's
   * id), if that is still queued, and stores it now (the ingest job stores it again as a no-op).
   */
  async fromIngestQueue(tenantId: string, bundleId: string, batchId: string = bundleId): Promise<StoredBundle | null> {
    const job = (await Job.fromId(this.ingestQueue, jobIds.ingest(batchId))) as Job<IngestBundleJobData> | undefined;
    const d = receivedBundles(job?.data).find((b) => b.bundleId === bundleId);
    // No job: it may have finished (and left Redis) since the caller looked in PostgreSQL.
    if (!d) return this.bundles.find(tenantId, bundleId);
    if (d.tenantId !== tenantId) return null;
    await this.writer.store(d);
    return {
      id: bundleId,
      receivedAt: new Date(d.receivedAt),
      ip: d.ip,
      userAgent: d.userAgent,
      origin: d.origin,
      payload: d.bundle,
    };
  }
}
