import IORedis from 'ioredis';

/** Deletes every key under a Redis prefix (a test's or a benchmark's), by SCAN, never FLUSH. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new IORedis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
