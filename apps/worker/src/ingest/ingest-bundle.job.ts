import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { BundleRepository, type StoredBundle } from '@kizuki/database';
import { JobName, receivedBundles, type IngestBundleJobData, type ReceivedBundle } from '@kizuki/queue';
import { KeyedBatcher } from '../batching/keyed-batcher';
import type { JobHandler } from '../jobs/job-handler';

const INGEST_WINDOW_MS = 5;

/**
 * Stores the SDK bundles of an ingest job (the collects an api received in one turn of its event
 * loop). Idempotent: a redelivered job stores each bundle once. The bundles of the jobs running at
 * the same moment are written together, one statement per tenant (KeyedBatcher).
 */
@Injectable()
export class IngestBundleJob implements JobHandler<JobName.IngestBundle> {
  readonly jobName = JobName.IngestBundle;

  private readonly writer: KeyedBatcher<StoredBundle>;

  constructor(bundles: BundleRepository) {
    // Bundles gathered for 5 ms: at 1,000 collects/s PostgreSQL committed ~350 batches a second of
    // ~3 bundles; nothing waits on these writes but a score job that overtook its bundle (rare).
    this.writer = new KeyedBatcher((tenantId, items) => bundles.insertMany(tenantId, items), 100, INGEST_WINDOW_MS);
  }

  async handle(job: Job<IngestBundleJobData>): Promise<{ stored: number }> {
    const bundles = receivedBundles(job.data);
    const complete = bundles.filter((b) => b?.tenantId && b.bundleId && b.bundle);
    // A bad bundle must not cost its batch-mates: the complete ones are stored, then the job fails
    // for good (kept among failed jobs for a look; retrying cannot mend it).
    await Promise.all(complete.map((b) => this.store(b)));
    if (!bundles.length || complete.length < bundles.length) {
      throw new UnrecoverableError(`ingest job with ${bundles.length - complete.length} of ${bundles.length} bundles lacking tenant, id or signals (the others were stored)`);
    }
    return { stored: complete.length };
  }

  async store(data: ReceivedBundle): Promise<void> {
    await this.writer.add(data.tenantId, {
      id: data.bundleId,
      receivedAt: new Date(data.receivedAt),
      ip: data.ip,
      userAgent: data.userAgent,
      origin: data.origin,
      payload: data.bundle,
    });
  }
}
