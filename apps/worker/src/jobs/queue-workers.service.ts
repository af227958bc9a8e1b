import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { KizukiConfig } from '@kizuki/config';
import { JOB_QUEUE, QueueName, RedisConnections, type JobName } from '@kizuki/queue';
import { WorkerMetricsService } from '../metrics/worker-metrics.service';
import { JOB_HANDLERS, type JobHandler } from './job-handler';
import { buildJobRegistry } from './job-registry';

/**
 * How often a job may be orphaned by a dead worker (SIGKILL, OOM, node lost) and handed to another
 * before it is failed for good. BullMQ's default is 1: a job that was running in two workers that
 * died was failed — a lost login (bench/chaos.ts lost 56 of 9,500 jobs to it over 20 SIGKILLs).
 * Every job is idempotent, so redelivery is safe; the limit only stops a job that itself crashes
 * every worker that takes it.
 */
export const MAX_STALLED_COUNT = 10;

/** One BullMQ worker per queue, dispatching each job to its handler by name. */
@Injectable()
export class QueueWorkersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkersService.name);
  private readonly registry: Map<JobName, JobHandler>;
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: KizukiConfig,
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
    private readonly metrics: WorkerMetricsService,
    private readonly redis: RedisConnections,
  ) {
    this.registry = buildJobRegistry(handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const queue of Object.values(QueueName)) {
      const worker = new Worker(queue, (job) => this.dispatch(queue, job), {
        // each worker blocks on a duplicate of it (BullMQ opens that one, and closes it)
        connection: this.redis.bullmq,
        prefix: this.redis.prefix,
        // Ingest jobs mostly wait for their batch's write (KeyedBatcher): more at once, bigger batches.
        concurrency:
          queue === QueueName.Ingest ? this.config.WORKER_INGEST_CONCURRENCY : this.config.WORKER_CONCURRENCY,
        maxStalledCount: MAX_STALLED_COUNT,
        autorun: true,
      });
      worker.on('failed', (job, err) =>
        this.logger.warn({
          msg: 'job failed',
          queue,
          job: job?.name,
          id: job?.id,
          attempts: job?.attemptsMade,
          err: err.message,
        }),
      );
      worker.on('error', (err) => this.logger.warn({ msg: 'worker error', queue, err: String(err) }));
      this.workers.push(worker);
    }
    this.logger.log(
      `Processing queues ${Object.values(QueueName).join(', ')} (concurrency ${this.config.WORKER_CONCURRENCY}, ` +
        `ingest ${this.config.WORKER_INGEST_CONCURRENCY})`,
    );
  }

  private async dispatch(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.registry.get(job.name as JobName);
    if (!handler || JOB_QUEUE[handler.jobName] !== queue)
      throw new UnrecoverableError(`Unknown job ${job.name} on queue ${queue}`);
    const started = performance.now();
    let outcome = 'failed';
    try {
      const result = await handler.handle(job as never);
      outcome = 'completed';
      return result;
    } finally {
      this.metrics.jobDuration.observe({ queue, job: job.name, outcome }, (performance.now() - started) / 1000);
      if (job.timestamp)
        this.metrics.jobLatency.observe({ queue, job: job.name }, Math.max(0, Date.now() - job.timestamp) / 1000);
    }
  }

  /**
   * Graceful: close() waits for in-flight jobs to finish before the process exits. It runs before
   * (not during) application shutdown: the database pool and the Redis connections close in
   * onApplicationShutdown, and the jobs in flight still need them.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }

  /** For tests and chaos: stop taking jobs at once, abandoning in-flight ones (as a crash would). */
  async kill(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(true)));
    this.redis.disconnect();
  }
}
