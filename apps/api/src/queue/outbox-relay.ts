import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { KeyedBatcher, OutboxRepository, type OutboxJob } from '@kizuki/database';
import { RedisConnections, type JobName, type JobPayloads } from '@kizuki/queue';
import { JobProducer } from './job-producer';

/** How long outbox writes are gathered per tenant before they go to PostgreSQL in one transaction. */
const OUTBOX_WINDOW_MS = 10;

type Deferred = { name: JobName; data: JobPayloads[JobName] & { tenantId: string }; priority?: number };

/**
 * Jobs the caller has already answered for (a degraded risk answer carries the assessment id the
 * score job will record) wait in the durable outbox (PostgreSQL) until a relay, this process's or
 * another's, gets Redis to take them.
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  /** How often this process looks for outbox jobs to hand to Redis (one small query when there are none). */
  static readonly RELAY_EVERY_MS = 1000;
  /** Outbox jobs claimed per round; a relay that dies leaves them to another after the lease. */
  static readonly RELAY_BATCH = 500;
  static readonly RELAY_LEASE_SECONDS = 30;
  /** How long a shutdown waits for the outbox writes under way. */
  static readonly CLOSE_TIMEOUT_MS = 2000;
  static readonly MAX_DEFERRED = 20_000;
  private readonly relayTimer: NodeJS.Timeout;
  private relaying = false;
  private lastRelayWarning = 0;

  /** Jobs whose add failed while PostgreSQL was down too, retried every second from memory: job id → job. */
  private readonly deferred = new Map<string, Deferred>();
  /** Outbox writes not yet answered: a shutdown waits for them (the pool closes after this service). */
  private readonly puts = new Set<Promise<unknown>>();
  /**
   * Outbox writes gathered per tenant for OUTBOX_WINDOW_MS: one transaction for many jobs. Nobody
   * waits on them (the caller has its degraded answer), and during an outage they come at the rate
   * of risk calls. A batch PostgreSQL refuses is tried job by job, so only a refused job falls back
   * to memory.
   */
  private readonly outboxWrites: KeyedBatcher<OutboxJob>;
  private deferTimer?: NodeJS.Timeout;
  private flushing = false;

  constructor(
    private readonly jobs: JobProducer,
    private readonly outbox: OutboxRepository,
    private readonly redis: RedisConnections,
  ) {
    this.outboxWrites = new KeyedBatcher<OutboxJob>(
      (tenantId, batch) => this.outbox.putMany(tenantId, batch),
      500,
      OUTBOX_WINDOW_MS,
    );
    this.relayTimer = setInterval(() => void this.relayOutbox(), OutboxRelay.RELAY_EVERY_MS).unref();
  }

  /**
   * Keeps a job in the outbox. Re-adding is harmless (same job id; the score job is idempotent).
   * Only when PostgreSQL refuses it too is it kept in memory (bounded, MAX_DEFERRED), where an api
   * process that dies before Redis is back loses it.
   */
  addLater<N extends JobName>(
    name: N,
    data: JobPayloads[N] & { tenantId: string },
    jobId: string,
    priority?: number,
  ): void {
    const put = this.outboxWrites
      .add(data.tenantId, { jobId, name, data, priority: priority ?? null })
      .catch((e: unknown) => {
        this.logger.warn({ msg: 'outbox refused a job: kept in memory', job: name, jobId, err: String(e) });
        this.keepInMemory(name, data, jobId, priority);
      });
    this.puts.add(put);
    void put.finally(() => this.puts.delete(put));
  }

  /** Hands outbox jobs to Redis, oldest first, while Redis takes them. */
  async relayOutbox(): Promise<number> {
    if (this.relaying || this.redis.commands.status !== 'ready') return 0;
    this.relaying = true;
    let relayed = 0;
    try {
      for (;;) {
        const jobs = await this.outbox.claim(OutboxRelay.RELAY_BATCH, OutboxRelay.RELAY_LEASE_SECONDS);
        if (!jobs.length) return relayed;
        const added = await Promise.allSettled(
          jobs.map((j) => this.jobs.add(j.name as JobName, j.data as never, j.jobId, j.priority ?? undefined)),
        );
        const taken = jobs.filter((_, i) => added[i].status === 'fulfilled').map((j) => j.jobId);
        relayed += await this.outbox.done(taken);
        if (taken.length) this.logger.log({ msg: 'outbox relayed to Redis', jobs: taken.length });
        // Redis refused some: their lease runs out, a later round retries
        if (taken.length < jobs.length) return relayed;
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

  /** Jobs waiting in this process's memory for Redis or PostgreSQL to come back (the outbox refused them). */
  get deferredCount(): number {
    return this.deferred.size;
  }

  private keepInMemory(name: JobName, data: Deferred['data'], jobId: string, priority?: number): void {
    if (this.deferred.size >= OutboxRelay.MAX_DEFERRED && !this.deferred.has(jobId)) {
      this.logger.error({ msg: 'job dropped: too many jobs waiting for Redis', job: name, jobId });
      return;
    }
    this.deferred.set(jobId, { name, data, priority });
    this.deferTimer ??= setInterval(() => void this.flushDeferred(), 1000).unref();
  }

  /** Whichever is back first takes what waits in memory: Redis (one pipeline), else the outbox (batched per tenant). */
  async flushDeferred(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const jobs = [...this.deferred];
      const added = await Promise.allSettled(
        jobs.map(([jobId, { name, data, priority }]) => this.jobs.add(name, data, jobId, priority)),
      );
      const refused = jobs.filter((_, i) => added[i].status === 'rejected');
      const kept = await Promise.allSettled(
        refused.map(([jobId, { name, data, priority }]) =>
          this.outboxWrites.add(data.tenantId, { jobId, name, data, priority: priority ?? null }),
        ),
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

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.relayTimer);
    if (this.deferTimer) clearInterval(this.deferTimer);
    // outbox writes still under way end (or fall back to memory) before the pool closes
    await Promise.race([
      Promise.allSettled([...this.puts]),
      new Promise((r) => setTimeout(r, OutboxRelay.CLOSE_TIMEOUT_MS).unref()),
    ]);
    // said, not silent: a write still unanswered here may fail after this process is gone
    if (this.puts.size)
      this.logger.error({
        msg: 'shutting down with outbox writes unanswered: their jobs may be lost',
        jobs: this.puts.size,
      });
    if (this.deferred.size) {
      await this.flushDeferred();
      if (this.deferred.size)
        this.logger.error({
          msg: 'shutting down with jobs neither Redis nor PostgreSQL took',
          jobs: this.deferred.size,
        });
    }
  }
}
