import { Global, Module } from '@nestjs/common';
import { WebhookEventsService } from './webhook-events.service';
import { WebhookRepository } from './webhook.repository';

/**
 * Webhook events, emitted from anywhere in an app (the api's users, admin and links modules, the
 * score path in api and worker): one WebhookEventsService per process. Global; each app imports
 * it once. Needs the global DatabaseModule and RedisModule.
 */
@Global()
@Module({
  providers: [WebhookRepository, WebhookEventsService],
  exports: [WebhookRepository, WebhookEventsService],
})
export class WebhooksModule {}
