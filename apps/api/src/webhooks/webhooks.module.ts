import { Global, Module } from '@nestjs/common';
import { DeviceLinkRepository } from '@kizuki/database';
import { WebhookEventsModule } from '@kizuki/queue';

/** Webhook events can be emitted from any api module (users, admin lists and devices, links). */
@Global()
@Module({
  imports: [WebhookEventsModule],
  providers: [DeviceLinkRepository],
  exports: [DeviceLinkRepository],
})
export class WebhooksModule {}
