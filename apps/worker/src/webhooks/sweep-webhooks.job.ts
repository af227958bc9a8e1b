import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import {
  JOB_QUEUE,
  jobIds,
  JobName,
  RedisConnections,
  type SweepWebhooksJobData,
  type SweepWebhooksJobResult,
} from '@kizuki/queue';
import { deliveryJob, WebhookRepository } from '@kizuki/webhooks';
import type { JobHandler } from '../jobs/job-handler';

export type { SweepWebhooksJobData, SweepWebhooksJobResult };

/** The job scheduler's id: deterministic, so every worker process upserts the same one schedule. */
export const WEBHOOK_SWEEP_SCHEDULER_ID = 'webhook-sweep';
export const WEBHOOK_SWEEP_EVERY_MS = 60_000;
const DEFAULT_OLDER_THAN_SECONDS = 60;
const DEFAULT_BATCH = 200;
/** Bounded work per run: what is left waits for the next run (a minute later). */
const MAX_BATCHES = 10;

/**
 * No lost events. WebhookEventsService writes the delivery row and then queues its job; when Redis
 * is down at that moment the row stays 'pending' and nothing would ever send it. Every minute this
 * job takes the rows pending for over a minute (oldest first, in bounded batches, across tenants
 * through a SECURITY DEFINER lookup that returns ids only) and, for each, in its tenant's scope:
 * queues DeliverWebhookJob again under its deterministic id — a no-op when the job is still
 * waiting, delayed or running, so re-queueing is idempotent — replacing a finished job that left
 * the row pending (e.g. every attempt failed on a database outage), then moves the row's
 * updated_at so the next batch, and the next minute, go on to other rows.
 */
@Injectable()
export class SweepWebhooksJob implements JobHandler<JobName.SweepWebhooks>, OnApplicationBootstrap {
  readonly jobName = JobName.SweepWebhooks;
  private readonly logger = new Logger(SweepWebhooksJob.name);

  constructor(
    private readonly redis: RedisConnections,
    private readonly repo: WebhookRepository,
  ) {}

  private webhooks(): Queue {
    return this.redis.queue(JOB_QUEUE[JobName.DeliverWebhook], 'bullmq');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.redis.scheduleEvery(JobName.SweepWebhooks, WEBHOOK_SWEEP_SCHEDULER_ID, WEBHOOK_SWEEP_EVERY_MS);
  }

  async handle(job: Job<SweepWebhooksJobData>): Promise<SweepWebhooksJobResult> {
    return this.run(job.data ?? {});
  }

  async run(options: SweepWebhooksJobData = {}): Promise<SweepWebhooksJobResult> {
    const olderThan = Math.max(0, options.olderThanSeconds ?? DEFAULT_OLDER_THAN_SECONDS);
    const batch = Math.min(1000, Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH)));
    // Rows touched by this run get updated_at = now(), after `before`: no batch sees a row twice.
    const before = new Date(Date.now() - olderThan * 1000);
    const result: SweepWebhooksJobResult = { found: 0, requeued: 0, alreadyQueued: 0 };
    for (let i = 0; i < MAX_BATCHES; i++) {
      const rows = await this.repo.stalePendingDeliveries(before, batch);
      result.found += rows.length;
      for (const row of rows) {
        if ((await this.requeue(row)) === 'requeued') result.requeued++;
        else result.alreadyQueued++;
        await this.repo.markRequeued(row.tenantId, row.id);
      }
      if (rows.length < batch) break;
    }
    if (result.requeued) this.logger.log({ msg: 'pending webhook deliveries re-queued', ...result });
    return result;
  }

  private async requeue(row: { tenantId: string; id: string; endpointId: string }): Promise<'requeued' | 'queued'> {
    const queue = this.webhooks();
    const jobId = jobIds.webhook(row.id);
    const existing = await queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'queued';
      // Finished, yet the row is still pending: this event was never sent. Start it over.
      await existing.remove();
    }
    const job = deliveryJob({ tenantId: row.tenantId, deliveryId: row.id, endpointId: row.endpointId });
    await queue.add(job.name, job.data, job.opts);
    return 'requeued';
  }
}
