import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, type DeliverWebhookJobData } from '@kizuki/queue';
import { WebhookDelivery, type WebhookDeliveryResult } from '@kizuki/webhooks';
import type { JobHandler } from '../jobs/job-handler';
import { WorkerMetricsService } from '../metrics/worker-metrics.service';

export type { DeliverWebhookJobData };

/** One attempt to deliver one event to one endpoint (WebhookDelivery); BullMQ retries what throws. */
@Injectable()
export class DeliverWebhookJob implements JobHandler<JobName.DeliverWebhook> {
  readonly jobName = JobName.DeliverWebhook;

  constructor(
    private readonly delivery: WebhookDelivery,
    private readonly metrics: WorkerMetricsService,
  ) {}

  handle(job: Job<DeliverWebhookJobData>): Promise<WebhookDeliveryResult> {
    const attempt = { number: job.attemptsMade + 1, final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
    return this.delivery.deliver(job.data, attempt, (outcome) => this.metrics.webhookDeliveries.inc({ outcome }));
  }
}
