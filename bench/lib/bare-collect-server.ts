// The floor under /v1/collect on this machine: a bare Fastify server that parses the SDK bundle
// and answers 202, or ('bullmq') also queues it in BullMQ the way the api does (one job per
// event-loop turn). Started by bench/collect-ceiling.ts; prints its port on stdout.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';

const mode = process.argv[2] ?? 'bare';
const prefix = process.argv[3] ?? '{kizuki-ceiling}';
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
const queue =
  mode === 'bullmq'
    ? new Queue('ingest', {
        connection: new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
          maxRetriesPerRequest: 1,
          enableAutoPipelining: true,
        }),
        prefix,
      })
    : null;

let pending: { body: unknown; resolve: (id: string) => void; reject: (e: unknown) => void }[] = [];
function flush(): void {
  const batch = pending;
  pending = [];
  const id = randomUUID();
  queue!
    .add('IngestBundleJob', { bundles: batch.map((p) => p.body) }, { jobId: `ingest-${id}`, removeOnComplete: true })
    .then(
      () => batch.forEach((p) => p.resolve(id)),
      (e: unknown) => batch.forEach((p) => p.reject(e)),
    );
}

app.post('/v1/collect', async (req, reply) => {
  let batchId = '';
  if (queue) {
    try {
      batchId = await new Promise<string>((resolve, reject) => {
        if (pending.push({ body: req.body, resolve, reject }) === 1) setImmediate(flush);
      });
    } catch {
      return reply.code(503).send({ error: 'not queued' });
    }
  }
  reply.code(202);
  return { requestToken: `rt_${randomUUID()}.${batchId}`, expiresAt: new Date().toISOString() };
});
app.listen({ port: 0, host: '127.0.0.1' }).then((address) => console.log(new URL(address).port));
