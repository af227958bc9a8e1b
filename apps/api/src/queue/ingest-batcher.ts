import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { jobIds, JobName, type ReceivedBundle } from '@kizuki/queue';
import { JobProducer } from './job-producer';

/**
 * Received bundles leave as ingest jobs: the bundles of one event-loop turn travel in one job (of
 * up to MAX_BUNDLES_PER_JOB). BullMQ's work per job (its add, activation, completion and events in
 * Redis, and the worker's round trips) was most of what a collect cost.
 */
@Injectable()
export class IngestBatcher {
  /** Bounds an ingest job's size (bodies are ≤ 64 KiB; typical ones a few KiB). */
  static readonly MAX_BUNDLES_PER_JOB = 32;
  private pending: { bundle: ReceivedBundle; resolve: (batchId: string) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly jobs: JobProducer) {
    jobs.onFlush(() => this.batch());
  }

  /**
   * Queues a received bundle for storage. Resolves with the batch id, which the request token
   * carries so a score job can find a bundle that is still queued.
   */
  addBundle(bundle: ReceivedBundle): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pending.push({ bundle, resolve, reject });
      this.jobs.scheduleFlush();
    });
  }

  /** Turns the pending bundles into ingest jobs, added with the flush's other adds. */
  private batch(): void {
    const bundles = this.pending;
    if (!bundles.length) return;
    this.pending = [];
    for (let i = 0; i < bundles.length; i += IngestBatcher.MAX_BUNDLES_PER_JOB) {
      const part = bundles.slice(i, i + IngestBatcher.MAX_BUNDLES_PER_JOB);
      const batchId = randomUUID();
      this.jobs.add(JobName.IngestBundle, { bundles: part.map((p) => p.bundle) }, jobIds.ingest(batchId)).then(
        () => part.forEach((p) => p.resolve(batchId)),
        (e: unknown) => part.forEach((p) => p.reject(e)),
      );
    }
  }
}
