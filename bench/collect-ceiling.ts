// What this machine allows /v1/collect at all: the same open-loop generator and bundles as
// bench/load.ts against (1) a bare Fastify server that parses the bundle and answers 202 and (2) the
// same plus BullMQ adds batched per event-loop turn, with nothing consuming the queue. The gap
// between these and bench/load.ts's collect steps is Kizuki's own cost.
//
//   npx tsx bench/collect-ceiling.ts --rates 1000,2000,3000,4000 --duration 10
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as S from '../libs/scoring/src/testing/scenario';
import { openLoop, post, summarise } from './lib/open-loop';
import { deleteRedisPrefix } from '../fixtures/redis-prefix';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RATES = arg('rates', '1000,2000,3000,4000').split(',').filter(Boolean).map(Number);
const DURATION = Number(arg('duration', '10'));
const PREFIX = `{kizuki-ceiling-${process.pid}}`;

async function start(mode: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    join(__dirname, '../node_modules/.bin/tsx'),
    [join(__dirname, 'lib/bare-collect-server.ts'), mode, PREFIX],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { url: `http://127.0.0.1:${port}/v1/collect`, stop: () => child.kill('SIGKILL') };
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: 600 }, (_, i) =>
    JSON.stringify(S.humanBundle(S.makePerson((i % 300) + 1), `ceiling-device-${i}`, 50_000 + i)),
  );
  const rows: ReturnType<typeof summarise>[] = [];
  for (const mode of ['bare', 'bullmq']) {
    const server = await start(mode);
    // warm-up: the server's and the generator's code paths compiled before anything is measured
    await openLoop(500, 2500, (i, scheduled) => post(server.url, {}, bodies[i % bodies.length], scheduled));
    for (const rate of RATES) {
      const answers = await openLoop(rate, rate * DURATION, (i, scheduled) =>
        post(server.url, {}, bodies[i % bodies.length], scheduled),
      );
      rows.push(summarise(`ceiling:${mode}`, rate, DURATION, answers));
      console.error(`[ceiling] ${JSON.stringify(rows[rows.length - 1])}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    server.stop();
  }
  await deleteRedisPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', PREFIX);
  console.log(
    '\n| server | rate/s | sent | errors | p50 ms | p95 ms | p99 ms | max ms |\n| --- | --- | --- | --- | ' +
      '--- | --- | --- | --- |',
  );
  for (const r of rows)
    console.log(
      `| ${r.step.replace('ceiling:', '')} | ${r.rate} | ${r.sent} | ${r.errors} | ${r.p50} | ${r.p95} | ` +
        `${r.p99} | ${r.max} |`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
