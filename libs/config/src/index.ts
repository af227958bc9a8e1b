export * from './config.schema';
export * from './redis-url';
export * from './config.module';
export * from './logger';
