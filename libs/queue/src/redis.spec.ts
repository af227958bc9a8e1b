import IORedis, { Cluster } from 'ioredis';
import { createRedis } from './redis';

// What each role's client is told: BullMQ refuses a blocking connection that may give up on a
// command, and the api's must give up at once. Nothing listens on port 1: no command is sent.
describe('createRedis', () => {
  const opened: (IORedis | Cluster)[] = [];
  const open = (...args: Parameters<typeof createRedis>) => {
    const redis = createRedis(...args);
    opened.push(redis);
    return redis;
  };
  afterEach(() => opened.splice(0).forEach((r) => r.disconnect()));

  it('opens one server from its URL', () => {
    const redis = open({ REDIS_URL: 'redis://127.0.0.1:1/2', REDIS_CLUSTER: false }, 'commands');
    expect(redis).toBeInstanceOf(IORedis);
    expect(redis.options).toMatchObject({ port: 1, db: 2, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  });

  it('opens a cluster from its seed nodes, with their credentials for every node', () => {
    const url = 'redis://kz:s%3Acret@127.0.0.1:1,127.0.0.1:2';
    const commands = open({ REDIS_URL: url, REDIS_CLUSTER: true }, 'commands') as Cluster;
    const bullmq = open({ REDIS_URL: url, REDIS_CLUSTER: true }, 'bullmq') as Cluster;
    for (const c of [commands, bullmq]) {
      expect(c).toBeInstanceOf(Cluster);
      expect(c.options.redisOptions).toMatchObject({ username: 'kz', password: 's:cret' });
    }
    expect(commands.options).toMatchObject({ enableOfflineQueue: false, enableAutoPipelining: true });
    expect(commands.options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, connectTimeout: 2000 });
    // BullMQ reads a cluster's redisOptions: null, or its workers refuse the connection
    expect(bullmq.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
    expect(bullmq.options.enableOfflineQueue).toBe(true);
    expect(bullmq.options.maxRedirections).toBeGreaterThan(commands.options.maxRedirections as number);
  });
});
