import IORedis from 'ioredis';
import { loadConfig } from '@kizuki/config';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('fails open, quickly, when Redis is unreachable (a login must never wait on the limiter)', async () => {
    // port 1 on loopback: connection refused at once; the producer's options (no offline queue)
    const redis = new IORedis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    const limiter = new RateLimiter(loadConfig({ KIZUKI_SECRET: 'x'.repeat(32), RATE_LIMIT_PER_KEY: '1' }), redis);
    const started = Date.now();
    for (let i = 0; i < 3; i++) expect(await limiter.hit([{ key: 'k:sk_live_test', limit: 1 }])).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    redis.disconnect();
  });

  it("'local': without Redis, counts in memory so a throttle never turns off (console sign-in)", async () => {
    const redis = new IORedis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    const limiter = new RateLimiter(loadConfig({ KIZUKI_SECRET: 'x'.repeat(32) }), redis);
    const hit = () =>
      limiter.hit([{ key: 'admin-login:e:x', limit: 2 }], { windowSeconds: 900, whenRedisFails: 'local' });
    expect(await hit()).toBe(0);
    expect(await hit()).toBe(0);
    const wait = await hit();
    expect(wait).toBeGreaterThan(890);
    expect(wait).toBeLessThanOrEqual(900);
    await limiter.reset(['admin-login:e:x']);
    expect(await hit()).toBe(0);
    redis.disconnect();
  });

  it('does not count when every limit is 0 (off)', async () => {
    const redis = { defineCommand: jest.fn() } as unknown as IORedis;
    const limiter = new RateLimiter(loadConfig({ KIZUKI_SECRET: 'x'.repeat(32) }), redis);
    expect(await limiter.hit([{ key: 'k', limit: 0 }])).toBe(0);
    expect((redis as unknown as { defineCommand: jest.Mock }).defineCommand).not.toHaveBeenCalled();
  });
});
