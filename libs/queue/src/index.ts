export * from './queue-names';
export * from './job-payloads';
export * from './redis';
export * from './redis-connections';
export * from './redis.module';
