import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger, type KizukiConfig } from '@kizuki/config';
import { assertNoEviction, RedisConnections } from '@kizuki/queue';
import { WorkerModule } from './worker.module';

/**
 * The worker: a Nest application context with no HTTP, only queue processors. It refuses a Redis
 * that may evict keys before it builds anything (queued logins would vanish), so a refusal leaves
 * no connection behind.
 */
export async function createWorkerApp(
  config: KizukiConfig,
  options: { logger?: false } = {},
): Promise<INestApplicationContext> {
  const redis = new RedisConnections(config);
  try {
    await assertNoEviction(redis.bullmq);
  } finally {
    await redis.onApplicationShutdown();
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: options.logger === false ? false : createLogger(config),
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
