import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents } from 'bullmq';
import { KizukiConfig } from '@kizuki/config';
import { JOB_QUEUE, type JobName, type QueueName } from './queue-names';
import { createRedis, type RedisClient, type RedisRole } from './redis';

/** How long a shutdown waits for BullMQ to close its handles: during a Redis outage it would wait forever. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * The process's Redis: one connection per role, opened on first use, and the BullMQ handles on
 * them, closed once when the application shuts down (after every provider that uses them).
 *  - commands: fails fast; the api's job adds, rate limits and throttles, webhook events.
 *  - bullmq: retries forever; the worker's processors and queues, velocity counters, ingest lookups.
 *  - events: QueueEvents' blocking stream read, which cannot share a connection.
 * Queue handles carry no default job options: whoever adds a job states its options.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnections.name);
  private readonly connections = new Map<RedisRole, RedisClient>();
  private readonly queues = new Map<string, Queue>();
  private readonly events = new Map<QueueName, QueueEvents>();
  private closed = false;

  constructor(private readonly config: KizukiConfig) {}

  /** The fail-fast connection (opened at once by whoever asks: the api asks while it starts). */
  get commands(): RedisClient {
    return this.connection('commands');
  }

  /** The retry-forever connection BullMQ's workers and the worker's own commands share. */
  get bullmq(): RedisClient {
    return this.connection('bullmq');
  }

  get prefix(): string {
    return this.config.KIZUKI_REDIS_PREFIX;
  }

  /** One handle per queue and connection role. */
  queue(name: QueueName, role: 'commands' | 'bullmq'): Queue {
    const key = `${role}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection(role), prefix: this.prefix });
      // without a listener BullMQ prints every connection error to stderr while Redis is down
      queue.on('error', (e) => this.logger.warn({ msg: 'queue error', queue: name, err: String(e) }));
      // every in-flight add() listens for the queue closing: under load there are thousands
      queue.setMaxListeners(0);
      this.queues.set(key, queue);
    }
    return queue;
  }

  /**
   * A maintenance job every `everyMs` on its queue, under a fixed scheduler id: every worker process
   * upserts the same one schedule, so any number of workers run it once per period.
   */
  async scheduleEvery(job: JobName, schedulerId: string, everyMs: number): Promise<void> {
    await this.queue(JOB_QUEUE[job], 'bullmq').upsertJobScheduler(
      schedulerId,
      { every: everyMs },
      { name: job, data: {}, opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
  }

  /** The events of one queue (every job's completion is read by every process that asks). */
  queueEvents(name: QueueName): QueueEvents {
    let events = this.events.get(name);
    if (!events) {
      events = new QueueEvents(name, { connection: this.connection('events'), prefix: this.prefix });
      events.on('error', (e) => this.logger.warn({ msg: 'queue events error', queue: name, err: String(e) }));
      this.events.set(name, events);
    }
    return events;
  }

  private connection(role: RedisRole): RedisClient {
    if (this.closed) throw new Error('Redis connections are closed');
    let redis = this.connections.get(role);
    if (!redis) {
      redis = createRedis(this.config, role);
      this.connections.set(role, redis);
    }
    return redis;
  }

  /** Drops every connection at once, as a crash would (tests and chaos); shutdown still closes the handles. */
  disconnect(): void {
    for (const redis of this.connections.values()) redis.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const handles = [...this.queues.values(), ...this.events.values()];
    const closed = Promise.allSettled(handles.map((h) => h.close()));
    await Promise.race([closed, new Promise((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref())]);
    this.disconnect();
  }
}
