import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { KizukiConfig } from '@kizuki/config';
import { deterministicUuid } from '@kizuki/crypto';
import { WebhookRepository } from '@kizuki/database';
import { JobName, QueueName, jobIds } from './queue-names';
import type { DeliverWebhookJobData } from './job-payloads';
import { createRedis } from './redis';
import type { WebhookEnvelope, WebhookEventType } from '@kizuki/contract';
import { WEBHOOK_JOB_OPTIONS } from './webhook-contract';

/**
 * Emits a webhook event where it happens (api and worker): one delivery row and one
 * DeliverWebhookJob per subscribed endpoint. `eventKey` names the occurrence (an assessment id, a
 * list entry and action…): the delivery id is derived from it, so a retried score job or a repeated
 * call never sends the same event twice to an endpoint.
 */
@Injectable()
export class WebhookEventsService implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookEventsService.name);
  private redis?: IORedis;
  private queue?: Queue<DeliverWebhookJobData>;

  constructor(
    private readonly config: KizukiConfig,
    private readonly repo: WebhookRepository,
  ) {}

  private webhooks(): Queue<DeliverWebhookJobData> {
    if (!this.queue) {
      this.redis = createRedis(this.config.REDIS_URL, 'producer');
      this.queue = new Queue(QueueName.Webhooks, { connection: this.redis, prefix: this.config.KIZUKI_REDIS_PREFIX });
      this.queue.on('error', (e) => this.logger.warn({ msg: 'webhook queue error', err: String(e) }));
    }
    return this.queue;
  }

  /** Never throws: an event that cannot be queued is logged; its delivery row stays 'pending' until SweepWebhooksJob re-queues it. */
  async emit(tenantId: string, type: WebhookEventType, eventKey: string, data: Record<string, unknown>): Promise<number> {
    try {
      const endpoints = await this.repo.subscribed(tenantId, type);
      for (const e of endpoints) {
        const deliveryId = deterministicUuid(`webhook|${e.id}|${type}|${eventKey}`);
        const envelope: WebhookEnvelope = { id: deliveryId, type, createdAt: new Date().toISOString(), data };
        await this.repo.createDelivery(tenantId, { id: deliveryId, endpointId: e.id, event: type, eventId: `${type}:${eventKey}`, payload: envelope });
        await this.webhooks().add(JobName.DeliverWebhook, { tenantId, deliveryId, endpointId: e.id }, { ...WEBHOOK_JOB_OPTIONS, jobId: jobIds.webhook(deliveryId) });
      }
      return endpoints.length;
    } catch (err) {
      this.logger.warn({ msg: 'webhook event not queued', tenantId, type, err: String(err) });
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
    this.redis?.disconnect();
  }
}
