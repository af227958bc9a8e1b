import type { JobsOptions } from 'bullmq';
import { JobName, jobIds, type DeliverWebhookJobData } from '@kizuki/queue';

/**
 * Bounded retries with exponential backoff: 1 s, 2 s, 4 s … (12 attempts ≈ 68 minutes in all).
 * The job id is the delivery id, so an event is queued once per endpoint however often it is emitted.
 */
export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
};

/** The DeliverWebhookJob of one delivery row, as the emitter queues it and the sweep queues it again. */
export function deliveryJob(data: DeliverWebhookJobData): {
  name: JobName.DeliverWebhook;
  data: DeliverWebhookJobData;
  opts: JobsOptions;
} {
  return {
    name: JobName.DeliverWebhook,
    data,
    opts: { ...WEBHOOK_JOB_OPTIONS, jobId: jobIds.webhook(data.deliveryId) },
  };
}
