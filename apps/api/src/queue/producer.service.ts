import type { EventEmitter } from 'node:events';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, QueueEvents } from 'bullmq';
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

  /** Jobs whose add failed (Redis unreachable), retried every second until Redis takes them: job id → job. */
  private readonly deferred = new Map<string, { name: JobName; data: unknown }>();
  private deferTimer?: NodeJS.Timeout;
  private flushing = false;
  static readonly MAX_DEFERRED = 20_000;

  /** Adds a job with its deterministic id; an existing job with that id is returned, not duplicated. */
  async add<N extends JobName>(name: N, data: JobPayloads[N], jobId: string): Promise<Job<JobPayloads[N], JobResults[N]>> {
    return this.queues[JOB_QUEUE[name]].add(name, data, { jobId }) as Promise<Job<JobPayloads[N], JobResults[N]>>;
  }

  /**
   * The job's result, or a rejection (failed, timed out, Redis unreachable). Not BullMQ's
   * job.waitUntilFinished(): its check runs in an async Promise executor, so a Redis error there
   * (Redis restarting, enableOfflineQueue off) became an unhandled rejection that killed the api
   * (found by bench/chaos.ts).
   */
  async waitFor<N extends JobName>(job: Job<JobPayloads[N], JobResults[N]>, timeoutMs: number): Promise<JobResults[N]> {
    const jobId = job.id as string;
    // per-job event names (`completed:<id>`) are emitted by QueueEvents but not in its typings
    const events = this.scoreEvents as unknown as EventEmitter;
    return new Promise<JobResults[N]>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        events.off(`completed:${jobId}`, onCompleted);
        events.off(`failed:${jobId}`, onFailed);
        fn();
      };
      const onCompleted = (args: { returnvalue: unknown }) => settle(() => resolve(args.returnvalue as JobResults[N]));
      const onFailed = (args: { failedReason: string }) => settle(() => reject(new Error(args.failedReason)));
      const timer = setTimeout(() => settle(() => reject(new Error(`job ${jobId} not finished after ${timeoutMs} ms`))), timeoutMs);
      events.on(`completed:${jobId}`, onCompleted);
      events.on(`failed:${jobId}`, onFailed);
      // The job may have finished before the listeners were attached: look once, after listening.
      (async () => {
        await this.scoreEvents.waitUntilReady();
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          const done = await Job.fromId<JobPayloads[N], JobResults[N]>(this.queues[QueueName.Score], jobId);
          if (state === 'completed' && done) settle(() => resolve(done.returnvalue));
          else settle(() => reject(new Error(done?.failedReason ?? `job ${jobId} failed`)));
        }
      })().catch((e: unknown) => settle(() => reject(e instanceof Error ? e : new Error(String(e)))));
    });
  }

  /**
   * For a job the caller has already answered for (a degraded risk answer carries the assessment id
   * the score job will record): keeps adding it, once a second, until Redis takes it. Re-adding is
   * harmless (same job id; the score job is idempotent). In memory and bounded (MAX_DEFERRED): an
   * api process that dies during a Redis outage loses what it holds here.
   */
  addLater<N extends JobName>(name: N, data: JobPayloads[N], jobId: string): void {
    if (this.deferred.size >= ProducerService.MAX_DEFERRED && !this.deferred.has(jobId)) {
      this.logger.error({ msg: 'job dropped: too many jobs waiting for Redis', job: name, jobId });
      return;
    }
    this.deferred.set(jobId, { name, data });
    this.deferTimer ??= setInterval(() => void this.flushDeferred(), 1000).unref();
  }

  /** Jobs waiting for Redis to come back (addLater). */
  get deferredCount(): number {
    return this.deferred.size;
  }

  private async flushDeferred(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const [jobId, { name, data }] of this.deferred) {
        try {
          await this.add(name, data as JobPayloads[typeof name], jobId);
          this.deferred.delete(jobId);
        } catch {
          return; // Redis still unreachable: next tick
        }
      }
      if (this.deferred.size === 0 && this.deferTimer) {
        clearInterval(this.deferTimer);
        this.deferTimer = undefined;
      }
    } finally {
      this.flushing = false;
    }
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
    if (this.deferTimer) clearInterval(this.deferTimer);
    if (this.deferred.size) {
      await this.flushDeferred();
      if (this.deferred.size) this.logger.error({ msg: 'shutting down with jobs Redis never took', jobs: this.deferred.size });
    }
    await Promise.allSettled([...Object.values(this.queues).map((q) => q.close()), this.scoreEvents.close()]);
    this.redis.disconnect();
    this.eventsRedis.disconnect();
  }
}
