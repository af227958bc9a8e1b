import IORedis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { DefaultJobOptions } from 'bullmq';
import { parseRedisUrl, type KizukiConfig, type RedisTarget } from '@kizuki/config';
import { JobName } from './queue-names';

export type RedisRole = 'commands' | 'bullmq' | 'events';

/** One Redis server or a Redis Cluster: the same commands; every Kizuki key is in one hash slot. */
export type RedisClient = IORedis | Cluster;

/**
 * Redis connection options by role (RedisConnections opens one of each a process uses). Commands
 * fail fast so a Redis outage turns into a degraded answer, not a hung request; BullMQ's workers
 * and event listeners block and must retry forever (maxRetriesPerRequest: null, as BullMQ requires).
 */
export function createRedis(config: Pick<KizukiConfig, 'REDIS_URL' | 'REDIS_CLUSTER'>, role: RedisRole): RedisClient {
  const failFast = role === 'commands';
  const options: RedisOptions = failFast
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
  const redis = config.REDIS_CLUSTER
    ? clusterClient(parseRedisUrl(config.REDIS_URL, true), options, failFast)
    : new IORedis(config.REDIS_URL, { ...options, retryStrategy: reconnectDelay });
  // Connection errors are reported by health checks; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Reconnecting to a lost server (or to a whole cluster lost at once): soon, then every 2 s. */
const reconnectDelay = (times: number) => Math.min(times * 200, 2000);

/**
 * A cluster's client: the seed nodes' credentials and TLS for every node it discovers. While a
 * primary fails over (cluster-node-timeout, then the election) its slots answer nothing or
 * CLUSTERDOWN: a fail-fast command gives up within about 1.5 s (the api answers degraded and
 * keeps the score job in the outbox); the retrying roles try each command for up to about 30 s,
 * and then their callers retry (BullMQ's loops, the score job's attempts).
 */
function clusterClient(target: RedisTarget, node: RedisOptions, failFast: boolean): Cluster {
  return new Cluster(target.nodes, clusterOptions(target, node, failFast));
}

function clusterOptions(target: RedisTarget, node: RedisOptions, failFast: boolean): ClusterOptions {
  const { enableOfflineQueue, enableAutoPipelining, enableReadyCheck, ...redisOptions } = node;
  return {
    redisOptions: {
      ...redisOptions,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue === false ? { enableOfflineQueue } : {}),
    ...(enableAutoPipelining ? { enableAutoPipelining } : {}),
    ...(enableReadyCheck ? { enableReadyCheck } : {}),
    clusterRetryStrategy: reconnectDelay,
    retryDelayOnFailover: failFast ? 100 : 300,
    retryDelayOnClusterDown: failFast ? 100 : 300,
    retryDelayOnTryAgain: 100,
    // a MOVED right after a failover can point at the dead primary until the slots settle
    retryDelayOnMoved: failFast ? 0 : 100,
    maxRedirections: failFast ? 16 : 100,
    slotsRefreshTimeout: 2000,
  };
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
export async function assertNoEviction(redis: RedisClient): Promise<void> {
  // on a cluster every node: a replica becomes the primary when its primary fails
  if (redis instanceof Cluster) await redis.ping(); // waits for the slots, which list the nodes
  const nodes = redis instanceof Cluster ? redis.nodes('all') : [redis];
  for (const node of nodes) {
    const [, policy] = (await node.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      const where = redis instanceof Cluster ? ` on ${node.options.host}:${node.options.port}` : '';
      throw new Error(
        `Redis maxmemory-policy is '${policy}'${where}: set it to 'noeviction' (queued jobs must never be evicted)`,
      );
    }
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
