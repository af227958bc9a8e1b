export * from './queue-names';
export * from './job-payloads';
export * from './redis';
export * from './webhook-contract';
export * from './webhook-target';
export * from './webhook-events.service';
export * from './webhook-events.module';
