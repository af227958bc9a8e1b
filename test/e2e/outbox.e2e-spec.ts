// A login answered during a Redis outage is still scored, even if the api that answered it dies
// before Redis is back: its score job waits in PostgreSQL (score_outbox), and any api relays it.
import { createApiApp } from '../../apps/api/src/app.factory';
import { OutboxRelay } from '../../apps/api/src/queue/outbox-relay';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { TcpProxy } from '../helpers/tcp-proxy';
import { until } from '../helpers/until';
import { OutboxRepository } from '@kizuki/database';
import { jobIds } from '@kizuki/queue';

jest.setTimeout(60_000);

describe('durable outbox for score jobs (Redis stops, the api dies)', () => {
  const proxy = new TcpProxy({ host: '127.0.0.1', port: 6379 });
  let env: KizukiEnv;
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };

  beforeAll(async () => {
    await proxy.start();
    env = new KizukiEnv({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    await env.start();
    tenant = await env.createTenant('Outbox shop');
  });
  afterAll(async () => {
    proxy.restore();
    await env.stop();
    await proxy.stop();
  });

  it(
    'answers with the fallback, keeps the job in PostgreSQL, and a new api gets it scored under the ' + 'answered id',
    async () => {
      const sk = { authorization: `Bearer ${tenant.secretKey}` };
      const c = await env.post('/v1/collect', makeBundle({ visitorId: 'visitor-outbox-1' }), {
        'x-kizuki-key': tenant.publishableKey,
        origin: KizukiEnv.ORIGIN,
      });
      expect(c.status).toBe(202);
      // the api knows the key (auth is cached), then Redis goes away
      expect(
        (
          await env.post(
            '/v1/risk',
            { event: 'login', status: 'succeeded', user: { id: 'warm-up' }, context: { ip: '203.0.113.1' } },
            sk,
          )
        ).status,
      ).toBe(200);
      proxy.cutOff();
      const r = await env.post(
        '/v1/risk',
        {
          requestToken: c.body.requestToken,
          event: 'login',
          status: 'succeeded',
          user: { id: 'ren@outbox.example' },
          context: { ip: '203.0.113.50' },
        },
        sk,
      );
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ degraded: true, decision: 'challenge' });
      // kept in PostgreSQL, not in the process's memory
      await until(
        async () =>
          (await env.sql(`SELECT 1 FROM score_outbox WHERE job_id = $1`, [jobIds.score(r.body.id)])).length === 1,
        5000,
        'the outbox row',
      );
      expect(env.api.get(OutboxRelay).deferredCount).toBe(0);
      expect(await (await fetch(`${env.baseUrl}/metrics`)).text()).toMatch(/^kizuki_score_outbox_jobs 1$/m);

      // the api dies with Redis still down; Redis comes back; another api starts
      await env.api.close();
      proxy.restore();
      env.api = await createApiApp(env.config, { logger: false });
      await env.api.init();

      // its relay hands the job to Redis, the worker scores it under the id the caller was given
      await until(
        async () => (await env.sql(`SELECT 1 FROM assessments WHERE id = $1`, [r.body.id])).length === 1,
        30_000,
        'the login to be scored',
      );
      expect(await env.sql(`SELECT job_id FROM score_outbox`)).toEqual([]);
      const [stored] = await env.sql<{ bundle_id: string | null }>(`SELECT bundle_id FROM assessments WHERE id = $1`, [
        r.body.id,
      ]);
      expect(stored.bundle_id).not.toBeNull(); // scored with its signals, as it would have been without the outage
    },
  );

  it(
    'keeps a job once: one kept already, or one twice in the same write ' + '(batching itself: outbox-relay.spec)',
    async () => {
      const outbox = env.api.get(OutboxRepository);
      // a name no relay can add, so the rows stay put while they are looked at
      const job = (jobId: string, priority: number | null) => ({
        jobId,
        name: 'not-a-job',
        data: { tenantId: tenant.tenantId, jobId },
        priority,
      });
      await outbox.putMany(tenant.tenantId, [job('batch:1', null)]);
      await outbox.putMany(tenant.tenantId, [job('batch:1', 5), job('batch:2', 10), job('batch:2', 1)]);
      const rows = await env.sql<{ job_id: string; tenant_id: string; priority: number | null; data: unknown }>(
        `SELECT job_id, tenant_id, priority, data FROM score_outbox WHERE job_id LIKE 'batch:%' ORDER BY job_id`,
      );
      expect(rows).toEqual([
        {
          job_id: 'batch:1',
          tenant_id: tenant.tenantId,
          priority: null,
          data: { tenantId: tenant.tenantId, jobId: 'batch:1' },
        },
        {
          job_id: 'batch:2',
          tenant_id: tenant.tenantId,
          priority: 10,
          data: { tenantId: tenant.tenantId, jobId: 'batch:2' },
        },
      ]);
      await env.sql(`DELETE FROM score_outbox WHERE job_id LIKE 'batch:%'`);
    },
  );
});
