import { Global, Module } from '@nestjs/common';
import { DeviceLinkRepository, WebhookRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/queue';

/** Webhook events can be emitted from any api module (users, admin lists and devices, links). */
@Global()
@Module({
  providers: [WebhookRepository, WebhookEventsService, DeviceLinkRepository],
  exports: [WebhookRepository, WebhookEventsService, DeviceLinkRepository],
})
export class WebhooksModule {}
