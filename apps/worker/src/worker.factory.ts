import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger, type KizukiConfig } from '@kizuki/config';
import { WorkerModule } from './worker.module';

/** The worker: a Nest application context with no HTTP, only queue processors. */
export async function createWorkerApp(config: KizukiConfig, options: { logger?: false } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: options.logger === false ? false : createLogger(config),
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
