// No lost webhook events: delivery rows left 'pending' (Redis was down when the event was emitted,
// so no job exists) are re-queued by SweepWebhooksJob and delivered.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Job, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { JobName, QueueName, type SweepWebhooksJobData, type SweepWebhooksJobResult } from '@kizuki/queue';
import { generateWebhookSecret, sealWebhookSecret } from '@kizuki/webhooks';
import { WEBHOOK_SWEEP_EVERY_MS, WEBHOOK_SWEEP_SCHEDULER_ID } from '../../apps/worker/src/webhooks/sweep-webhooks.job';
import { verifyWebhookSignature } from '../../libs/client/src';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(90_000);

describe('webhooks: the sweep re-queues pending deliveries', () => {
  const env = new KizukiEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' });
  let server: Server;
  let url = '';
  let answerDelayMs = 0;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let redis: IORedis;
  let queue: Queue;
  const tenants: { tenantId: string; endpointId: string; secret: string }[] = [];

  /** Runs the sweep through the webhooks queue, as the scheduler does, and returns its result. */
  async function sweep(data: SweepWebhooksJobData = {}): Promise<SweepWebhooksJobResult> {
    const added = await queue.add(JobName.SweepWebhooks, data);
    return until(async () => {
      const job = await Job.fromId(queue, added.id!);
      const state = await job?.getState();
      if (state === 'failed') throw new Error(`sweep failed: ${job!.failedReason}`);
      return state === 'completed' ? (job!.returnvalue as SweepWebhooksJobResult) : null;
    });
  }

  /** A delivery row as WebhookEventsService writes it, whose job never reached Redis. */
  async function pendingRow(
    t: { tenantId: string; endpointId: string },
    ageSeconds: number,
    status = 'pending',
  ): Promise<string> {
    const id = randomUUID();
    const assessmentId = randomUUID();
    const envelope = {
      id,
      type: 'assessment.challenge',
      createdAt: new Date().toISOString(),
      data: { assessmentId, decision: 'challenge' },
    };
    await env.sql(
      `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event, event_id, payload, status,
        created_at, updated_at)
       VALUES ($1, $2, $3, 'assessment.challenge', $4, $5, $6, now() - make_interval(secs => $7),
         now() - make_interval(secs => $7))`,
      [
        id,
        t.tenantId,
        t.endpointId,
        `assessment.challenge:${assessmentId}`,
        JSON.stringify(envelope),
        status,
        ageSeconds,
      ],
    );
    return id;
  }

  const row = async (id: string) =>
    (
      await env.sql<{ status: string; attempts: number; last_status_code: number | null }>(
        `SELECT status, attempts, last_status_code FROM webhook_deliveries WHERE id = $1`,
        [id],
      )
    )[0];
  const sent = (id: string) => received.filter((r) => r.headers['kizuki-delivery'] === id);

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        setTimeout(() => res.writeHead(200).end(), answerDelayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    await env.start();
    for (const name of ['Shop A', 'Shop B']) {
      const { tenantId } = await env.createTenant(name);
      const secret = generateWebhookSecret();
      const [e] = await env.sql<{ id: string }>(
        `INSERT INTO webhook_endpoints (tenant_id, url, events, secret_enc, secret_prefix)
          VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          tenantId,
          url,
          ['assessment.challenge'],
          sealWebhookSecret(env.config.KIZUKI_SECRET, secret),
          secret.slice(0, 12),
        ],
      );
      tenants.push({ tenantId, endpointId: e.id, secret });
    }
    redis = new IORedis(env.config.REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QueueName.Webhooks, { connection: redis, prefix: env.config.KIZUKI_REDIS_PREFIX });
  });

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await env.stop();
    server?.close();
  });

  it('the worker schedules the sweep every minute under one fixed scheduler id', async () => {
    const scheduler = await queue.getJobScheduler(WEBHOOK_SWEEP_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ name: JobName.SweepWebhooks, every: WEBHOOK_SWEEP_EVERY_MS });
    expect((await queue.getJobSchedulers()).filter((s) => s.name === JobName.SweepWebhooks)).toHaveLength(1);
  });

  it(
    'pending rows older than a minute, in every tenant, are delivered (signed, once); fresh, ' +
      'delivered and failed rows are left alone',
    async () => {
      const [a, b] = tenants;
      const staleA = await pendingRow(a, 300);
      const staleB = await pendingRow(b, 120);
      const fresh = await pendingRow(a, 0);
      const done = await pendingRow(a, 600, 'delivered');
      const failed = await pendingRow(b, 600, 'failed');

      await sweep();
      await until(async () => (await row(staleA)).status === 'delivered' && (await row(staleB)).status === 'delivered');
      expect(await row(staleA)).toEqual({ status: 'delivered', attempts: 1, last_status_code: 200 });
      expect(await row(staleB)).toEqual({ status: 'delivered', attempts: 1, last_status_code: 200 });
      for (const [id, t] of [
        [staleA, a],
        [staleB, b],
      ] as const) {
        expect(sent(id)).toHaveLength(1);
        const ev = verifyWebhookSignature(sent(id)[0].body, sent(id)[0].headers['kizuki-signature'], t.secret);
        expect(ev).toMatchObject({ id, type: 'assessment.challenge' });
      }
      expect(sent(fresh)).toHaveLength(0);
      expect((await row(fresh)).status).toBe('pending');
      expect(sent(done)).toHaveLength(0);
      expect(sent(failed)).toHaveLength(0);

      // Sweeping again sends nothing twice.
      expect(await sweep()).toEqual({ found: 0, requeued: 0, alreadyQueued: 0 });
      await new Promise((r) => setTimeout(r, 300));
      expect(sent(staleA)).toHaveLength(1);
      expect(sent(staleB)).toHaveLength(1);

      // The fresh row goes once it is old enough (here: a sweep told to take any age).
      await sweep({ olderThanSeconds: 0 });
      await until(async () => (await row(fresh)).status === 'delivered');
      expect(sent(fresh)).toHaveLength(1);
    },
  );

  it('works in bounded batches, and re-queueing a row whose job is still running does not send it twice', async () => {
    const [a, b] = tenants;
    const ids = [await pendingRow(a, 0), await pendingRow(b, 0), await pendingRow(a, 0)];
    answerDelayMs = 1500;
    try {
      const first = await sweep({ olderThanSeconds: 0, batchSize: 1 });
      expect(first).toEqual({ found: 3, requeued: 3, alreadyQueued: 0 });
      // The deliveries are in flight (the receiver answers slowly): the jobs exist, nothing is added.
      await until(async () => received.filter((r) => ids.includes(String(r.headers['kizuki-delivery']))).length === 3);
      const second = await sweep({ olderThanSeconds: 0 });
      expect(second).toEqual({ found: 3, requeued: 0, alreadyQueued: 3 });
      await until(async () => (await Promise.all(ids.map(row))).every((r) => r.status === 'delivered'));
    } finally {
      answerDelayMs = 0;
    }
    for (const id of ids) expect(sent(id)).toHaveLength(1);
  });

  it('a finished job that left its row pending is replaced, not taken for done', async () => {
    const [a] = tenants;
    const id = await pendingRow(a, 300);
    // A job under the delivery's id that completes without sending (it names an unknown endpoint).
    const stray = await queue.add(
      JobName.DeliverWebhook,
      { tenantId: a.tenantId, deliveryId: id, endpointId: randomUUID() },
      { jobId: `webhook-${id}` },
    );
    await until(async () => (await Job.fromId(queue, stray.id!))?.getState().then((s) => s === 'completed'));
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0 });

    expect(await sweep({ olderThanSeconds: 60 })).toMatchObject({ requeued: 1 });
    await until(async () => (await row(id)).status === 'delivered');
    expect(sent(id)).toHaveLength(1);
  });
});
