import { Global, Module } from '@nestjs/common';
import { WebhookDelivery } from './webhook-delivery';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookRepository } from './webhook.repository';

/**
 * Webhook events, emitted from anywhere in an app (the api's users, admin and links modules, the
 * score path in api and worker): one WebhookEventsService per process. Global; each app imports
 * it once. WebhookDelivery is for the worker's DeliverWebhookJob. Needs the global ConfigModule,
 * DatabaseModule and RedisModule.
 */
@Global()
@Module({
  providers: [WebhookRepository, WebhookEventsService, WebhookDelivery],
  exports: [WebhookRepository, WebhookEventsService, WebhookDelivery],
})
export class WebhooksModule {}
