import IORedis, { type RedisOptions } from 'ioredis';
import type { DefaultJobOptions } from 'bullmq';
import { JobName } from './queue-names';

export type RedisRole = 'commands' | 'bullmq' | 'events';

/**
 * Redis connection options by role (RedisConnections opens one of each a process uses). Commands
 * fail fast so a Redis outage turns into a degraded answer, not a hung request; BullMQ's workers
 * and event listeners block and must retry forever (maxRetriesPerRequest: null, as BullMQ requires).
 */
export function createRedis(url: string, role: RedisRole): IORedis {
  const options: RedisOptions =
    role === 'commands'
      ? // auto-pipelining: the commands of one event-loop turn (rate-limit checks, job adds of many
        // concurrent requests) leave in one write, one round trip
        {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
          lazyConnect: false,
          enableAutoPipelining: true,
        }
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
    throw new Error(
      `Redis maxmemory-policy is '${policy}': set it to 'noeviction' (queued jobs must never be evicted)`,
    );
  }
}

/**
 * Per-job overrides of DEFAULT_JOB_OPTIONS. A stored bundle is in PostgreSQL: its finished ingest
 * job is never looked up again (the score job only looks for ingest jobs still queued), so it
 * leaves Redis at once instead of being kept, counted and trimmed for an hour — at thousands of
 * collects a second, that bookkeeping was Redis work per bundle and memory.
 */
export const JOB_OPTIONS: Partial<Record<JobName, Pick<DefaultJobOptions, 'removeOnComplete'>>> = {
  [JobName.IngestBundle]: { removeOnComplete: true },
};
