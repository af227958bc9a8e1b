import { Injectable } from '@nestjs/common';
import type { Job, JobsOptions, Queue } from 'bullmq';
import {
  DEFAULT_JOB_OPTIONS,
  JOB_OPTIONS,
  JOB_QUEUE,
  QueueName,
  RedisConnections,
  type JobName,
  type JobPayloads,
  type JobResults,
} from '@kizuki/queue';

interface PendingAdd {
  name: JobName;
  data: unknown;
  opts: JobsOptions & { jobId: string };
  resolve: (job: Job) => void;
  reject: (e: unknown) => void;
}

/**
 * The api's job adds. Adds made in the same turn of the event loop travel in one pipeline per queue
 * (Queue.addBulk): at a few thousand collects a second one Redis write per request was most of the
 * api's socket time.
 */
@Injectable()
export class JobProducer {
  /** Adds per pipeline at most: a burst is cut into pipelines of this size. */
  static readonly MAX_BATCH = 256;
  private readonly queues: Record<QueueName, Queue>;
  /** Adds waiting for the next flush, per queue. */
  private readonly pending = new Map<QueueName, PendingAdd[]>();
  private flushScheduled = false;
  private readonly beforeFlush: (() => void)[] = [];

  constructor(redis: RedisConnections) {
    // opened now, at boot: the first risk call should not pay for the connection
    this.queues = Object.fromEntries(
      Object.values(QueueName).map((name) => [name, redis.queue(name, 'commands')]),
    ) as Record<QueueName, Queue>;
  }

  /**
   * Adds a job with its deterministic id; an existing job with that id is returned, not duplicated.
   * `priority` (BullMQ: lower runs first, none before any) puts a job behind live work.
   */
  add<N extends JobName>(
    name: N,
    data: JobPayloads[N],
    jobId: string,
    priority?: number,
  ): Promise<Job<JobPayloads[N], JobResults[N]>> {
    const queue = JOB_QUEUE[name];
    // an outbox row is data: one naming no job must fail its own add, not its batch (or the process)
    if (!queue) return Promise.reject(new Error(`unknown job ${String(name)}`));
    return new Promise((resolve, reject) => {
      const list = this.pending.get(queue) ?? [];
      const opts = { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS[name], jobId, ...(priority ? { priority } : {}) };
      list.push({ name, data, opts, resolve: resolve as PendingAdd['resolve'], reject });
      this.pending.set(queue, list);
      this.scheduleFlush();
    });
  }

  /** Runs `hook` as every flush begins: the adds it makes leave in that flush's pipelines. */
  onFlush(hook: () => void): void {
    this.beforeFlush.push(hook);
  }

  /** A flush at the end of this turn of the event loop (one for all the turn's adds). */
  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    for (const hook of this.beforeFlush) hook();
    this.flushScheduled = false;
    for (const [queue, list] of this.pending) {
      this.pending.delete(queue);
      for (let i = 0; i < list.length; i += JobProducer.MAX_BATCH) {
        const batch = list.slice(i, i + JobProducer.MAX_BATCH);
        this.queues[queue].addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts }))).then(
          (jobs) => batch.forEach((p, k) => p.resolve(jobs[k])),
          (e: unknown) => batch.forEach((p) => p.reject(e)),
        );
      }
    }
  }
}
