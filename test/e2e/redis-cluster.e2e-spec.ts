// Kizuki on a Redis Cluster of its own (3 primaries, 3 replicas): collect → score → answer,
// velocity counters, rate limits and the outbox relay, while the primary holding Kizuki's slot is
// killed mid-run. Every login is answered, scored once under the id it was given, with its bundle.
import { Cluster } from 'ioredis';
import { jobIds, QueueName, RedisConnections } from '@kizuki/queue';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { LocalRedisCluster, redisServerAvailable } from '../helpers/redis-cluster';
import { until } from '../helpers/until';

jest.setTimeout(240_000);

const available = redisServerAvailable();
if (!available) console.warn('redis-cluster.e2e-spec skipped: redis-server or redis-cli is not on the PATH');

(available ? describe : describe.skip)('Kizuki on a Redis Cluster, a primary killed mid-run', () => {
  const cluster = new LocalRedisCluster(3, 2000);
  const LOGIN_IP = '203.0.113.77';
  let env: KizukiEnv;
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };
  let seen: Cluster;

  beforeAll(async () => {
    await cluster.start();
    env = new KizukiEnv({
      REDIS_URL: cluster.url,
      REDIS_CLUSTER: 'true',
      // collects say where they come from (X-Forwarded-For), so the per-IP limit can be reached on purpose
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_PER_IP: '5',
      RATE_LIMIT_PER_KEY: '100000',
      RATE_LIMIT_WINDOW_SECONDS: '600',
    });
    await env.start();
    tenant = await env.createTenant('Cluster shop');
    seen = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    seen.on('error', () => undefined);
  });
  afterAll(async () => {
    seen?.disconnect();
    await env?.stop();
    await cluster.stop();
  });

  const collect = (ip: string, seed: number) =>
    env.post('/v1/collect', makeBundle({ visitorId: `visitor-cluster-${seed}`, seed }), {
      'x-kizuki-key': tenant.publishableKey,
      origin: KizukiEnv.ORIGIN,
      'x-forwarded-for': ip,
    });

  interface Answered {
    key: string;
    request: Record<string, unknown>;
    id: string;
    degraded: boolean;
    collectRetries: number;
  }

  /**
   * One login as a shop's page and backend make it. A collect Redis refused (503) was never
   * acknowledged; it is sent again until taken (the SDK tries twice), so every login has a bundle.
   */
  async function login(i: number): Promise<Answered> {
    let collectRetries = 0;
    let c = await collect(`198.51.${Math.floor(i / 200)}.${(i % 200) + 1}`, 1000 + i);
    while (c.status !== 202) {
      expect(c.status).toBe(503); // Redis did not take it: not acknowledged, so nothing is lost
      collectRetries++;
      await new Promise((r) => setTimeout(r, 200));
      c = await collect(`198.51.${Math.floor(i / 200)}.${(i % 200) + 1}`, 1000 + i);
    }
    const key = `cluster-login-${i}`;
    const request = {
      requestToken: c.body.requestToken,
      event: 'login',
      status: 'succeeded',
      user: { id: `user-${i}@cluster.example` },
      context: { ip: LOGIN_IP },
    };
    const headers = { authorization: `Bearer ${tenant.secretKey}`, 'idempotency-key': key };
    const r = await env.post('/v1/risk', request, headers);
    expect(r.status).toBe(200);
    return { key, request, id: r.body.id, degraded: r.body.degraded, collectRetries };
  }

  it('answers every login and scores each once, with its bundle, velocity and rate limits intact', async () => {
    const prefix = env.config.KIZUKI_REDIS_PREFIX;
    const answered: Answered[] = [];
    let next = 0;

    // before: five collects from one address pass, the sixth is limited
    const limited = '192.0.2.10';
    const before: number[] = [];
    for (let i = 0; i < 6; i++) before.push((await collect(limited, 1 + i)).status);
    expect(before).toEqual([202, 202, 202, 202, 202, 429]);
    for (let n = 0; n < 12; n++) answered.push(await login(next++));
    expect(answered.every((a) => !a.degraded)).toBe(true);

    // mid-run: four callers keep logging in while the primary of Kizuki's slot dies
    const primary = await cluster.primaryOf(prefix);
    let stop = false;
    const callers = Array.from({ length: 4 }, async () => {
      while (!stop) answered.push(await login(next++));
    });
    await until(async () => answered.length >= 24, 30_000, 'logins before the kill');
    cluster.kill(primary);
    const takenOver = await cluster.failedOver(prefix, primary);
    const atFailover = answered.length;
    await until(async () => answered.length >= atFailover + 16, 60_000, 'logins after the failover');
    stop = true;
    await Promise.all(callers);
    expect(takenOver).not.toBe(primary);

    // the api's reader of the score queue's events found the new primary (answers come by events,
    // not only by the look-up a waiting call makes when it hears nothing)
    const events = env.api.get(RedisConnections).queueEvents(QueueName.Score);
    const heard: string[] = [];
    const listener = ({ jobId }: { jobId: string }) => heard.push(jobId);
    events.on('completed', listener);
    const last = await login(next++);
    answered.push(last);
    await until(async () => heard.includes(jobIds.score(last.id)), 20_000, 'the completed event after the failover');
    events.off('completed', listener);

    // every login is answered; those answered degraded (Redis unreachable for the api meanwhile)
    // waited in the outbox or the queue and are scored later, under the id they were given
    const ids = answered.map((a) => a.id);
    expect(new Set(ids).size).toBe(answered.length);
    await until(
      async () => Number((await env.sql(`SELECT count(*) AS n FROM assessments`))[0].n) >= answered.length,
      120_000,
      `${answered.length} logins scored`,
    );
    await until(async () => (await env.sql(`SELECT 1 FROM score_outbox`)).length === 0, 30_000, 'the outbox drained');
    const rows = await env.sql<{ id: string; idempotency_key: string; bundle_id: string | null }>(
      `SELECT id, idempotency_key, bundle_id FROM assessments`,
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(answered.length); // one per key
    expect(rows.filter((r) => r.bundle_id === null)).toEqual([]); // every acknowledged bundle stored and found
    expect(answered.filter((a) => a.degraded).length).toBeGreaterThan(0); // the failover was felt…
    expect(answered.slice(-8).every((a) => !a.degraded)).toBe(true); // …and is over

    // a retried call gets its first answer, and no second assessment
    for (const a of [answered[0], answered[atFailover - 1], answered[answered.length - 1]]) {
      const again = await env.post('/v1/risk', a.request, {
        authorization: `Bearer ${tenant.secretKey}`,
        'idempotency-key': a.key,
      });
      expect([again.status, again.body.id]).toEqual([200, a.id]);
    }
    expect(Number((await env.sql(`SELECT count(*) AS n FROM assessments`))[0].n)).toBe(answered.length);

    // velocity: the address's login counter holds each scored login once, across the failover
    const counter = `${prefix}:vel:${tenant.tenantId}:ipl:${LOGIN_IP}`;
    expect(await seen.zcard(counter)).toBe(answered.length);

    // rate limits: the address limited before the failover still is; a new one gets its five
    expect((await collect(limited, 50)).status).toBe(429);
    const fresh: number[] = [];
    for (let i = 0; i < 6; i++) fresh.push((await collect('192.0.2.11', 60 + i)).status);
    expect(fresh).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('keeps every Kizuki key in the one hash slot of its prefix', async () => {
    const prefix = env.config.KIZUKI_REDIS_PREFIX;
    const owner = await cluster.primaryOf(prefix);
    const primaries = await cluster.primaries();
    expect(primaries).toHaveLength(3);
    const keys = await cluster.keys(owner);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith(`${prefix}:`))).toEqual([]);
    for (const other of primaries.filter((p) => p !== owner)) expect(await cluster.keys(other)).toEqual([]);
  });
});
