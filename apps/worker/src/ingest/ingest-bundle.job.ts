import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { BundleRepository, type StoredBundle } from '@kizuki/database';
import { JobName, type IngestBundleJobData } from '@kizuki/queue';
import { KeyedBatcher } from '../batching/keyed-batcher';
import type { JobHandler } from '../jobs/job-handler';

export type { IngestBundleJobData };

/**
 * Stores an SDK bundle. Idempotent: a redelivered job stores it once. The ingest jobs running at
 * the same moment are written together, one statement per tenant (KeyedBatcher).
 */
@Injectable()
export class IngestBundleJob implements JobHandler<JobName.IngestBundle> {
  readonly jobName = JobName.IngestBundle;

  private readonly writer: KeyedBatcher<StoredBundle>;

  constructor(bundles: BundleRepository) {
    this.writer = new KeyedBatcher((tenantId, items) => bundles.insertMany(tenantId, items));
  }

  async handle(job: Job<IngestBundleJobData>): Promise<{ stored: boolean }> {
    await this.store(job.data);
    return { stored: true };
  }

  async store(data: IngestBundleJobData): Promise<void> {
    if (!data?.tenantId || !data.bundleId || !data.bundle) throw new UnrecoverableError('ingest job without tenant, id or bundle');
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
