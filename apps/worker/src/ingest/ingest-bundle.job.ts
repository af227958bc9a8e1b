import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { BundleWriter } from '@kizuki/login-scorer';
import { JobName, receivedBundles, type IngestBundleJobData } from '@kizuki/queue';
import type { JobHandler } from '../jobs/job-handler';

/**
 * Stores the SDK bundles of an ingest job (the collects an api received in one turn of its event
 * loop). Idempotent: a redelivered job stores each bundle once. The bundles of the jobs running at
 * the same moment are written together, one statement per tenant (BundleWriter).
 */
@Injectable()
export class IngestBundleJob implements JobHandler<JobName.IngestBundle> {
  readonly jobName = JobName.IngestBundle;

  constructor(private readonly writer: BundleWriter) {}

  async handle(job: Job<IngestBundleJobData>): Promise<{ stored: number }> {
    const bundles = receivedBundles(job.data);
    const complete = bundles.filter((b) => b?.tenantId && b.bundleId && b.bundle);
    // A bad bundle must not cost its batch-mates: the complete ones are stored, then the job fails
    // for good (kept among failed jobs for a look; retrying cannot mend it).
    await Promise.all(complete.map((b) => this.writer.store(b)));
    if (!bundles.length || complete.length < bundles.length) {
      throw new UnrecoverableError(
        `ingest job with ${bundles.length - complete.length} of ${bundles.length} ` +
          `bundles lacking tenant, id or signals ` +
          `(the others were stored)`,
      );
    }
    return { stored: complete.length };
  }
}
