import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@kizuki/config';
import { createWorkerApp } from './worker.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  await createWorkerApp(config);
  new Logger('Worker').log('Kizuki worker started');
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
