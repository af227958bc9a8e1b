import { Global, Module } from '@nestjs/common';
import { WebhookRepository } from '@kizuki/database';
import { WebhookEventsService } from './webhook-events.service';

/**
 * Webhook events, emitted from anywhere in an app (the api's users, admin and links modules, the
 * score path in api and worker): one WebhookEventsService per process, so one lazily opened Redis
 * connection. Global; each app imports it once. Needs the global ConfigModule and DatabaseModule.
 */
@Global()
@Module({
  providers: [WebhookRepository, WebhookEventsService],
  exports: [WebhookRepository, WebhookEventsService],
})
export class WebhookEventsModule {}
