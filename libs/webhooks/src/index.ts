export * from './signing';
export * from './webhook-target';
export * from './delivery-job';
export * from './webhook.repository';
export * from './webhook-events.service';
export * from './webhook-delivery';
export * from './webhooks.module';
