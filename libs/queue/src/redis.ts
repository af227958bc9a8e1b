import IORedis, { type RedisOptions } from 'ioredis';
import type { DefaultJobOptions } from 'bullmq';

export type RedisRole = 'producer' | 'worker' | 'events';

/**
 * Redis connections by role. Workers and event listeners block and must retry forever
 * (maxRetriesPerRequest: null, as BullMQ requires); producers in the api must fail fast so a
 * Redis outage turns into a degraded answer, not a hung request.
 */
export function createRedis(url: string, role: RedisRole): IORedis {
  const options: RedisOptions =
    role === 'producer'
      ? // auto-pipelining: the commands of one event-loop turn (rate-limit checks, job adds of many
        // concurrent requests) leave in one write, one round trip
        { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: false, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new IORedis(url, { ...options, retryStrategy: (times) => Math.min(times * 200, 2000) });
  // Connection errors are reported by health checks; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  // A job outlives a dependency outage: 15 attempts with exponential backoff from 250 ms keep
  // retrying for about an hour (250 ms × (2^14 − 1)) before the job is parked as failed.
  attempts: 15,
  backoff: { type: 'exponential', delay: 250 },
  // Bounded history: completed jobs stay an hour so a retried risk call finds its answer.
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
};

/** The worker refuses to start on a Redis that may evict keys: queued logins would vanish. */
export async function assertNoEviction(redis: IORedis): Promise<void> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
  if (policy !== 'noeviction') {
    throw new Error(`Redis maxmemory-policy is '${policy}': set it to 'noeviction' (queued jobs must never be evicted)`);
  }
}
