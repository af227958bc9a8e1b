import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@kizuki/config';
import { createApiApp } from './app.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.PORT, config.HOST);
  new Logger('Api').log(`Kizuki api listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((e) => {
  // Configuration errors are for humans: print them plainly, no stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
