import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@kizuki/config';
import { createApiApp } from './app.factory';

const LISTEN_BACKLOG = 4096;

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  // A burst of new connections (an attack, a load balancer scaling up) waits in the kernel's accept
  // queue instead of being dropped: with Node's default backlog of 511, bench/load.ts saw the
  // excess SYNs dropped and retried by the clients 1 s and 3 s later (its p99 in seconds at
  // 1,500 collects/s, TcpExtListenOverflows climbing). The kernel caps it at net.core.somaxconn.
  await app.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG });
  new Logger('Api').log(`Kizuki api listening on http://${config.HOST}:${config.PORT}`);
}

main().catch((e) => {
  // Configuration errors are for humans: print them plainly, no stack.
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
