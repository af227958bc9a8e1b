import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { BundleRepository } from '@kizuki/database';
import { JobName, type IngestBundleJobData } from '@kizuki/queue';
import type { JobHandler } from '../jobs/job-handler';

export type { IngestBundleJobData };

/** Stores an SDK bundle. Idempotent: a redelivered job stores it once. */
@Injectable()
export class IngestBundleJob implements JobHandler<JobName.IngestBundle> {
  readonly jobName = JobName.IngestBundle;

  constructor(private readonly bundles: BundleRepository) {}

  async handle(job: Job<IngestBundleJobData>): Promise<{ stored: boolean }> {
    await this.store(job.data);
    return { stored: true };
  }

  async store(data: IngestBundleJobData): Promise<void> {
    if (!data?.tenantId || !data.bundleId || !data.bundle) throw new UnrecoverableError('ingest job without tenant, id or bundle');
    await this.bundles.insert(data.tenantId, {
      id: data.bundleId,
      receivedAt: new Date(data.receivedAt),
      ip: data.ip,
      userAgent: data.userAgent,
      origin: data.origin,
      payload: data.bundle,
    });
  }
}
