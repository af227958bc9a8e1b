import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import { KizukiConfig } from '@kizuki/config';
import { createRedis, DEFAULT_JOB_OPTIONS, JobName, JOB_QUEUE, QueueName, type JobPayloads, type JobResults } from '@kizuki/queue';

/** The api's side of the queues: typed adds, and waiting for a score job's answer. */
@Injectable()
export class ProducerService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProducerService.name);
  readonly redis: IORedis;
  private readonly queues: Record<QueueName, Queue>;
  private readonly scoreEvents: QueueEvents;
  private readonly eventsRedis: IORedis;

  constructor(config: KizukiConfig) {
    this.redis = createRedis(config.REDIS_URL, 'producer');
    const prefix = config.KIZUKI_REDIS_PREFIX;
    this.queues = Object.fromEntries(
      Object.values(QueueName).map((name) => [name, new Queue(name, { connection: this.redis, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS })]),
    ) as Record<QueueName, Queue>;
    for (const q of Object.values(this.queues)) {
      q.on('error', (e) => this.logger.warn({ msg: 'queue error', err: String(e) }));
      // Every in-flight add() listens for the queue closing: under load there are thousands.
      q.setMaxListeners(0);
    }
    this.eventsRedis = createRedis(config.REDIS_URL, 'events');
    this.scoreEvents = new QueueEvents(QueueName.Score, { connection: this.eventsRedis, prefix });
    this.scoreEvents.on('error', (e) => this.logger.warn({ msg: 'queue events error', err: String(e) }));
  }

  /** Adds a job with its deterministic id; an existing job with that id is returned, not duplicated. */
  async add<N extends JobName>(name: N, data: JobPayloads[N], jobId: string): Promise<Job<JobPayloads[N], JobResults[N]>> {
    return this.queues[JOB_QUEUE[name]].add(name, data, { jobId }) as Promise<Job<JobPayloads[N], JobResults[N]>>;
  }

  async waitFor<N extends JobName>(job: Job<JobPayloads[N], JobResults[N]>, timeoutMs: number): Promise<JobResults[N]> {
    return job.waitUntilFinished(this.scoreEvents, timeoutMs);
  }

  /** Jobs per queue and state, for the queue-depth gauges of /metrics. */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      Object.entries(this.queues).map(async ([name, q]) => [name, await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')] as const),
    );
    return Object.fromEntries(entries);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...Object.values(this.queues).map((q) => q.close()), this.scoreEvents.close()]);
    this.redis.disconnect();
    this.eventsRedis.disconnect();
  }
}
