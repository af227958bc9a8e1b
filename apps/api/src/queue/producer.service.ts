import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Job, type JobsOptions, type Queue, type QueueEvents } from 'bullmq';
import type IORedis from 'ioredis';
import { KizukiConfig } from '@kizuki/config';
import { KeyedBatcher, OutboxRepository, type OutboxJob } from '@kizuki/database';
import { DEFAULT_JOB_OPTIONS, RedisConnections, JobName, jobIds, JOB_OPTIONS, JOB_QUEUE, QueueName, type JobPayloads, type JobResults, type ReceivedBundle } from '@kizuki/queue';

/** How long outbox writes are gathered per tenant before they go to PostgreSQL in one transaction. */
const OUTBOX_WINDOW_MS = 10;

interface PendingAdd {
  name: JobName;
  data: unknown;
  opts: JobsOptions & { jobId: string };
  resolve: (job: Job) => void;
  reject: (e: unknown) => void;
}

/** The api's side of the queues: typed adds, and waiting for a score job's answer. */
@Injectable()
export class ProducerService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProducerService.name);
  readonly redis: IORedis;
  private readonly queues: Record<QueueName, Queue>;
  /** Only when the api waits for workers' scores (RISK_SCORING=worker): every api reads the whole event stream. */
  private readonly scoreEvents?: QueueEvents;

  constructor(
    config: KizukiConfig,
    private readonly outbox: OutboxRepository,
    connections: RedisConnections,
  ) {
    this.redis = connections.commands;
    this.queues = Object.fromEntries(Object.values(QueueName).map((name) => [name, connections.queue(name, 'commands')])) as Record<QueueName, Queue>;
    // Inline, the api scores for itself and never waits on a job: parsing the events of the jobs
    // it sheds (several per job) was api CPU spent for nothing, at the very moment it sheds.
    if (config.RISK_SCORING === 'worker') this.scoreEvents = connections.queueEvents(QueueName.Score);
    this.relayTimer = setInterval(() => void this.relayOutbox(), ProducerService.RELAY_EVERY_MS).unref();
  }

  /** How often this process looks for outbox jobs to hand to Redis (one small query when there are none). */
  static readonly RELAY_EVERY_MS = 1000;
  /** Outbox jobs claimed per round; a relay that dies leaves them to another after the lease. */
  static readonly RELAY_BATCH = 500;
  static readonly RELAY_LEASE_SECONDS = 30;
  /** How long a shutdown waits for the outbox writes under way. */
  static readonly CLOSE_TIMEOUT_MS = 2000;
  private readonly relayTimer: NodeJS.Timeout;
  private relaying = false;
  private lastRelayWarning = 0;

  /** Jobs whose add failed while PostgreSQL was down too, retried every second from memory: job id → job. */
  private readonly deferred = new Map<string, { name: JobName; data: JobPayloads[JobName] & { tenantId: string }; priority?: number }>();
  /** Outbox writes not yet answered: a shutdown waits for them (the pool closes after this service). */
  private readonly puts = new Set<Promise<unknown>>();
  /**
   * Outbox writes gathered per tenant for OUTBOX_WINDOW_MS: one transaction for many jobs. Nobody
   * waits on them (the caller has its degraded answer), and during an outage they come at the rate
   * of risk calls. A batch PostgreSQL refuses is tried job by job, so only a refused job falls back
   * to memory.
   */
  private readonly outboxWrites = new KeyedBatcher<OutboxJob>((tenantId, jobs) => this.outbox.putMany(tenantId, jobs), 500, OUTBOX_WINDOW_MS);
  private deferTimer?: NodeJS.Timeout;
  private flushing = false;
  static readonly MAX_DEFERRED = 20_000;

  /** Adds waiting for the next flush, per queue: one Redis round trip (a pipeline) carries them all. */
  private readonly pendingAdds = new Map<QueueName, PendingAdd[]>();
  private flushScheduled = false;
  /** Adds per pipeline at most: a burst is cut into pipelines of this size. */
  static readonly MAX_BATCH = 256;

  /** Bundles waiting for the next flush: they leave as ingest jobs of up to MAX_BUNDLES_PER_JOB. */
  private pendingBundles: { bundle: ReceivedBundle; resolve: (batchId: string) => void; reject: (e: unknown) => void }[] = [];
  /** Bounds an ingest job's size (bodies are ≤ 64 KiB; typical ones a few KiB). */
  static readonly MAX_BUNDLES_PER_JOB = 32;

  /**
   * Queues a received bundle for storage. The bundles of one event-loop turn travel in one ingest
   * job: BullMQ's work per job (its add, activation, completion and events in Redis, and the
   * worker's round trips) was most of what a collect cost. Resolves with the batch id, which the
   * request token carries so a score job can find a bundle that is still queued.
   */
  addBundle(bundle: ReceivedBundle): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pendingBundles.push({ bundle, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Adds a job with its deterministic id; an existing job with that id is returned, not duplicated.
   * Adds made in the same turn of the event loop travel in one pipeline (Queue.addBulk): at a few
   * thousand collects a second one Redis write per request was most of the api's socket time.
   * `priority` (BullMQ: lower runs first, none before any) puts a job behind live work.
   */
  add<N extends JobName>(name: N, data: JobPayloads[N], jobId: string, priority?: number): Promise<Job<JobPayloads[N], JobResults[N]>> {
    const queue = JOB_QUEUE[name];
    // an outbox row is data: one naming no job must fail its own add, not its batch (or the process)
    if (!queue) return Promise.reject(new Error(`unknown job ${String(name)}`));
    return new Promise((resolve, reject) => {
      const list = this.pendingAdds.get(queue) ?? [];
      list.push({ name, data, opts: { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS[name], jobId, ...(priority ? { priority } : {}) }, resolve: resolve as PendingAdd['resolve'], reject });
      this.pendingAdds.set(queue, list);
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushAdds());
  }

  private flushAdds(): void {
    this.flushScheduled = false;
    this.batchBundles();
    for (const [queue, list] of this.pendingAdds) {
      this.pendingAdds.delete(queue);
      for (let i = 0; i < list.length; i += ProducerService.MAX_BATCH) {
        const batch = list.slice(i, i + ProducerService.MAX_BATCH);
        this.queues[queue].addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts }))).then(
          (jobs) => batch.forEach((p, k) => p.resolve(jobs[k])),
          (e: unknown) => batch.forEach((p) => p.reject(e)),
        );
      }
    }
  }

  /** Turns the pending bundles into ingest jobs (added with the other pending adds). */
  private batchBundles(): void {
    const bundles = this.pendingBundles;
    if (!bundles.length) return;
    this.pendingBundles = [];
    const ingest = this.pendingAdds.get(QueueName.Ingest) ?? [];
    for (let i = 0; i < bundles.length; i += ProducerService.MAX_BUNDLES_PER_JOB) {
      const part = bundles.slice(i, i + ProducerService.MAX_BUNDLES_PER_JOB);
      const batchId = randomUUID();
      ingest.push({
        name: JobName.IngestBundle,
        data: { bundles: part.map((p) => p.bundle) } satisfies JobPayloads[JobName.IngestBundle],
        opts: { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS[JobName.IngestBundle], jobId: jobIds.ingest(batchId) },
        resolve: () => part.forEach((p) => p.resolve(batchId)),
        reject: (e) => part.forEach((p) => p.reject(e)),
      });
    }
    this.pendingAdds.set(QueueName.Ingest, ingest);
  }

  /**
   * Starts waiting for a score job's result *before* the job is added (its id is deterministic),
   * so its `completed` event cannot slip past: no state check per call. Two cases still need a look
   * at Redis, done once: the id already existed (BullMQ says `duplicated`: a retried call whose
   * job may have finished long ago), and `checkAfterMs` passing without news (an event lost while
   * the events connection was being set up or had dropped).
   * Not BullMQ's job.waitUntilFinished(): its check runs in an async Promise executor, so a Redis
   * error there (Redis restarting, enableOfflineQueue off) became an unhandled rejection that killed
   * the api (found by bench/chaos.ts).
   */
  waitForScore(jobId: string, timeoutMs: number, checkAfterMs = 200): Promise<JobResults[JobName.ScoreLogin]> {
    type Result = JobResults[JobName.ScoreLogin];
    // per-job event names (`completed:<id>`) are emitted by QueueEvents but not in its typings
    const events = this.scoreEvents as unknown as EventEmitter | undefined;
    if (!events) return Promise.reject(new Error('waitForScore needs RISK_SCORING=worker'));
    return new Promise<Result>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(checkTimer);
        events.off(`completed:${jobId}`, onCompleted);
        events.off(`failed:${jobId}`, onFailed);
        events.off(`duplicated:${jobId}`, check);
        fn();
      };
      const onCompleted = (args: { returnvalue: unknown }) => settle(() => resolve(args.returnvalue as Result));
      const onFailed = (args: { failedReason: string }) => settle(() => reject(new Error(args.failedReason)));
      let checked = false;
      function check(): void {
        if (checked || settled) return;
        checked = true;
        lookup().catch((e: unknown) => settle(() => reject(e instanceof Error ? e : new Error(String(e)))));
      }
      const lookup = async () => {
        // State first, then the job: read the other way round, a job finishing in between looked
        // completed with no result yet (found by bench/load.ts at 1,000 req/s).
        const state = await this.queues[QueueName.Score].getJobState(jobId);
        if (state !== 'completed' && state !== 'failed') return; // not added yet, waiting, active or removed: the events will tell
        const job = await Job.fromId<unknown, Result>(this.queues[QueueName.Score], jobId);
        if (state === 'completed' && job?.returnvalue) settle(() => resolve(job.returnvalue));
        else if (state === 'failed') settle(() => reject(new Error(job?.failedReason || `job ${jobId} failed`)));
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`job ${jobId} not finished after ${timeoutMs} ms`))), timeoutMs);
      const checkTimer = setTimeout(check, Math.min(checkAfterMs, timeoutMs));
      events.on(`completed:${jobId}`, onCompleted);
      events.on(`failed:${jobId}`, onFailed);
      events.on(`duplicated:${jobId}`, check);
    });
  }

  /**
   * For a job the caller has already answered for (a degraded risk answer carries the assessment id
   * the score job will record): keeps it in the durable outbox (PostgreSQL) until a relay, this
   * process's or another's, gets Redis to take it. Re-adding is harmless (same job id; the score
   * job is idempotent). Only when PostgreSQL refuses it too is it kept in memory (bounded,
   * MAX_DEFERRED), where an api process that dies before Redis is back loses it.
   */
  addLater<N extends JobName>(name: N, data: JobPayloads[N] & { tenantId: string }, jobId: string, priority?: number): void {
    const put = this.outboxWrites.add(data.tenantId, { jobId, name, data, priority: priority ?? null }).catch((e: unknown) => {
      this.logger.warn({ msg: 'outbox refused a job: kept in memory', job: name, jobId, err: String(e) });
      this.keepInMemory(name, data, jobId, priority);
    });
    this.puts.add(put);
    void put.finally(() => this.puts.delete(put));
  }

  /** Hands outbox jobs to Redis, oldest first, while Redis takes them. */
  async relayOutbox(): Promise<number> {
    if (this.relaying || this.redis.status !== 'ready') return 0;
    this.relaying = true;
    let relayed = 0;
    try {
      for (;;) {
        const jobs = await this.outbox.claim(ProducerService.RELAY_BATCH, ProducerService.RELAY_LEASE_SECONDS);
        if (!jobs.length) return relayed;
        const added = await Promise.allSettled(jobs.map((j) => this.add(j.name as JobName, j.data as never, j.jobId, j.priority ?? undefined)));
        const taken = jobs.filter((_, i) => added[i].status === 'fulfilled').map((j) => j.jobId);
        relayed += await this.outbox.done(taken);
        if (taken.length) this.logger.log({ msg: 'outbox relayed to Redis', jobs: taken.length });
        if (taken.length < jobs.length) return relayed; // Redis refused some: their lease runs out, a later round retries
      }
    } catch (e) {
      // PostgreSQL unreachable: tried again every second, said once a minute
      if (Date.now() - this.lastRelayWarning > 60_000) {
        this.lastRelayWarning = Date.now();
        this.logger.warn({ msg: 'outbox relay failed', err: String(e) });
      }
      return relayed;
    } finally {
      this.relaying = false;
    }
  }

  private keepInMemory(name: JobName, data: JobPayloads[JobName] & { tenantId: string }, jobId: string, priority?: number): void {
    if (this.deferred.size >= ProducerService.MAX_DEFERRED && !this.deferred.has(jobId)) {
      this.logger.error({ msg: 'job dropped: too many jobs waiting for Redis', job: name, jobId });
      return;
    }
    this.deferred.set(jobId, { name, data, priority });
    this.deferTimer ??= setInterval(() => void this.flushDeferred(), 1000).unref();
  }

  /** Jobs waiting in this process's memory for Redis or PostgreSQL to come back (the outbox refused them). */
  get deferredCount(): number {
    return this.deferred.size;
  }

  private async flushDeferred(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      // Whichever is back first takes them: Redis (one pipeline for all), else the outbox (batched per
      // tenant; any api process relays them later, so they no longer die with this one).
      const jobs = [...this.deferred];
      const added = await Promise.allSettled(jobs.map(([jobId, { name, data, priority }]) => this.add(name, data, jobId, priority)));
      const refused = jobs.filter((_, i) => added[i].status === 'rejected');
      const kept = await Promise.allSettled(
        refused.map(([jobId, { name, data, priority }]) => this.outboxWrites.add(data.tenantId, { jobId, name, data, priority: priority ?? null })),
      );
      jobs.forEach(([jobId], i) => added[i].status === 'fulfilled' && this.deferred.delete(jobId));
      refused.forEach(([jobId], i) => kept[i].status === 'fulfilled' && this.deferred.delete(jobId));
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
    clearInterval(this.relayTimer);
    if (this.deferTimer) clearInterval(this.deferTimer);
    // outbox writes still under way end (or fall back to memory) before the pool closes
    await Promise.race([Promise.allSettled([...this.puts]), new Promise((r) => setTimeout(r, ProducerService.CLOSE_TIMEOUT_MS).unref())]);
    // said, not silent: a write still unanswered here may fail after this process is gone
    if (this.puts.size) this.logger.error({ msg: 'shutting down with outbox writes unanswered: their jobs may be lost', jobs: this.puts.size });
    if (this.deferred.size) {
      await this.flushDeferred();
      if (this.deferred.size) this.logger.error({ msg: 'shutting down with jobs neither Redis nor PostgreSQL took', jobs: this.deferred.size });
    }
  }
}
