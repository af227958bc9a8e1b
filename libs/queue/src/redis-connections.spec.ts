import { Logger } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import type { KizukiConfig } from '@kizuki/config';
import { QueueName } from './queue-names';
import { createRedis } from './redis';
import { RedisConnections } from './redis-connections';

// Faked connections and BullMQ handles: who opens what, and that shutdown closes each once.
jest.mock('./redis', () => ({
  createRedis: jest.fn((_config: unknown, role: string) => ({ role, disconnect: jest.fn() })),
}));
jest.mock('bullmq', () => {
  const handle = (kind: string) =>
    jest.fn().mockImplementation((name: string, opts: unknown) => ({
      kind,
      name,
      opts,
      on: jest.fn(),
      setMaxListeners: jest.fn(),
      close: jest.fn().mockResolvedValue(undefined),
    }));
  return { Queue: handle('queue'), QueueEvents: handle('events') };
});

describe('RedisConnections', () => {
  const config = { REDIS_URL: 'redis://127.0.0.1:6379', KIZUKI_REDIS_PREFIX: '{kz}' } as KizukiConfig;
  const opened = createRedis as jest.Mock;
  beforeEach(() => jest.clearAllMocks());

  it('opens one connection per role, on first use', () => {
    const redis = new RedisConnections(config);
    expect(opened).not.toHaveBeenCalled();
    expect(redis.commands).toBe(redis.commands);
    expect(redis.bullmq).toBe(redis.bullmq);
    expect(redis.commands).not.toBe(redis.bullmq);
    expect(opened.mock.calls).toEqual([
      [config, 'commands'],
      [config, 'bullmq'],
    ]);
  });

  it('hands out one queue handle per queue and role, with the prefix and no default job options', () => {
    const redis = new RedisConnections(config);
    const score = redis.queue(QueueName.Score, 'commands');
    expect(redis.queue(QueueName.Score, 'commands')).toBe(score);
    expect(redis.queue(QueueName.Score, 'bullmq')).not.toBe(score);
    expect(Queue).toHaveBeenCalledTimes(2);
    expect((Queue as unknown as jest.Mock).mock.calls[0]).toEqual([
      QueueName.Score,
      { connection: redis.commands, prefix: '{kz}' },
    ]);
  });

  it('reads queue events on their own connection, one reader per queue', () => {
    const redis = new RedisConnections(config);
    const events = redis.queueEvents(QueueName.Score);
    expect(redis.queueEvents(QueueName.Score)).toBe(events);
    expect(QueueEvents).toHaveBeenCalledTimes(1);
    expect(opened.mock.calls).toEqual([[config, 'events']]);
  });

  it('closes every handle, then every connection, once; nothing opens after', async () => {
    const redis = new RedisConnections(config);
    const queue = redis.queue(QueueName.Ingest, 'bullmq') as unknown as { close: jest.Mock };
    const events = redis.queueEvents(QueueName.Score) as unknown as { close: jest.Mock };
    const connections = [redis.bullmq, redis.commands] as unknown as { disconnect: jest.Mock }[];
    await redis.onApplicationShutdown();
    await redis.onApplicationShutdown();
    expect(queue.close).toHaveBeenCalledTimes(1);
    expect(events.close).toHaveBeenCalledTimes(1);
    for (const c of connections) expect(c.disconnect).toHaveBeenCalledTimes(1);
    expect(() => redis.commands).toThrow(/closed/);
  });

  it('does not wait forever for a handle that cannot close (Redis down)', async () => {
    jest.useFakeTimers();
    try {
      const redis = new RedisConnections(config);
      const queue = redis.queue(QueueName.Score, 'commands') as unknown as { close: jest.Mock };
      const commands = redis.commands as unknown as { disconnect: jest.Mock };
      queue.close.mockReturnValue(new Promise(() => undefined));
      const shutdown = redis.onApplicationShutdown();
      await jest.advanceTimersByTimeAsync(1999);
      expect(commands.disconnect).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      await shutdown;
      expect(commands.disconnect).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('logs a queue error instead of letting it crash the process', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const queue = new RedisConnections(config).queue(QueueName.Score, 'commands') as unknown as { on: jest.Mock };
    const [event, listener] = queue.on.mock.calls[0];
    expect(event).toBe('error');
    listener(new Error('ECONNREFUSED'));
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ msg: 'queue error', queue: QueueName.Score }));
  });
});
