import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { deterministicUuid } from '@kizuki/crypto';
import { QueueName, RedisConnections, type DeliverWebhookJobData } from '@kizuki/queue';
import type { WebhookEnvelope, WebhookEventType } from '@kizuki/contract';
import { deliveryJob } from './delivery-job';
import { WebhookRepository } from './webhook.repository';

/**
 * Emits a webhook event where it happens (api and worker): one delivery row and one
 * DeliverWebhookJob per subscribed endpoint. `eventKey` names the occurrence (an assessment id, a
 * list entry and action…): the delivery id is derived from it, so a retried score job or a repeated
 * call never sends the same event twice to an endpoint.
 */
@Injectable()
export class WebhookEventsService {
  private readonly logger = new Logger(WebhookEventsService.name);

  constructor(
    private readonly redis: RedisConnections,
    private readonly repo: WebhookRepository,
  ) {}

  /** Opened on the first event (fail fast: an event Redis does not take waits for the sweep). */
  private webhooks(): Queue<DeliverWebhookJobData> {
    return this.redis.queue(QueueName.Webhooks, 'commands');
  }

  /**
   * Never throws: an event that cannot be queued is logged; its delivery row stays 'pending' until SweepWebhooksJob re-
   * queues it.
   */
  async emit(
    tenantId: string,
    type: WebhookEventType,
    eventKey: string,
    data: Record<string, unknown>,
  ): Promise<number> {
    try {
      const endpoints = await this.repo.subscribed(tenantId, type);
      for (const e of endpoints) {
        const deliveryId = deterministicUuid(`webhook|${e.id}|${type}|${eventKey}`);
        const envelope: WebhookEnvelope = { id: deliveryId, type, createdAt: new Date().toISOString(), data };
        await this.repo.createDelivery(tenantId, {
          id: deliveryId,
          endpointId: e.id,
          event: type,
          eventId: `${type}:${eventKey}`,
          payload: envelope,
        });
        const job = deliveryJob({ tenantId, deliveryId, endpointId: e.id });
        await this.webhooks().add(job.name, job.data, job.opts);
      }
      return endpoints.length;
    } catch (err) {
      this.logger.warn({ msg: 'webhook event not queued', tenantId, type, err: String(err) });
      return 0;
    }
  }
}
