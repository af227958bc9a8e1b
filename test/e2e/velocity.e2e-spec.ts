// Velocity counters on a real Redis: one script per login, sliding windows, distinct members,
// a retried job counted once, tenants apart.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@kizuki/config';
import { VelocityStore, type VelocityEvent } from '@kizuki/login-scorer';
import { RedisConnections } from '@kizuki/queue';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('VelocityStore (real Redis)', () => {
  const prefix = `{kztest-vel-${randomBytes(4).toString('hex')}}`;
  const redis = new RedisConnections(
    loadConfig({
      NODE_ENV: 'test',
      REDIS_URL,
      KIZUKI_REDIS_PREFIX: prefix,
      KIZUKI_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
    }),
  );
  const store = new VelocityStore(redis);
  afterAll(async () => {
    await redis.onApplicationShutdown();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });
  const tenant = randomUUID();
  const event = (o: Partial<VelocityEvent>): VelocityEvent => ({
    tenantId: tenant,
    assessmentId: randomUUID(),
    userHash: 'u1',
    deviceId: 'd1',
    ip: '198.51.100.1',
    asn: 64500,
    failed: false,
    now: 1_000_000,
    bruteForceWindowMs: 60_000,
    stuffingWindowMs: 600_000,
    ...o,
  });

  it('counts distinct accounts per IP, device and ASN, failures per account, within each window', async () => {
    await store.record(event({ userHash: 'u1', failed: true, now: 1_000_000 }));
    await store.record(event({ userHash: 'u2', failed: true, now: 1_010_000 }));
    const retried = event({ userHash: 'u3', failed: true, now: 1_020_000 });
    await store.record(retried);
    const again = await store.record(retried); // the same job again: counted once
    expect(again).toMatchObject({
      ipAccounts: 3,
      deviceAccounts: 3,
      asnAccounts: 3,
      ipFailures: 3,
      ipLogins: 3,
      asnLogins: 3,
      asnFailures: 3,
      accountFailures: 1,
    });
    // 65 s after the first: it left the 60 s brute-force window, not the 10-minute one
    const later = await store.record(event({ userHash: 'u1', failed: true, now: 1_065_000 }));
    expect(later).toMatchObject({
      accountFailures: 1,
      accountDeviceFailures: 1,
      ipAccounts: 3,
      ipFailures: 4,
      ipLogins: 4,
    });
    // a success adds a login and no failure; no device, no ASN: those counters stay out of it
    const ok = await store.record(event({ userHash: 'u4', deviceId: null, asn: null, now: 1_066_000 }));
    expect(ok).toMatchObject({
      ipAccounts: 4,
      ipFailures: 4,
      ipLogins: 5,
      deviceAccounts: 0,
      asnAccounts: 0,
      accountFailures: 0,
    });
  });

  it('keeps tenants apart and forgets what left the window', async () => {
    const other = await store.record(event({ tenantId: randomUUID(), userHash: 'u9', now: 1_066_000 }));
    expect(other).toMatchObject({ ipAccounts: 1, ipLogins: 1, deviceAccounts: 1 });
    const muchLater = await store.record(event({ userHash: 'u5', now: 1_066_000 + 600_001 }));
    expect(muchLater).toMatchObject({ ipAccounts: 1, ipLogins: 1, ipFailures: 0 });
  });
});
