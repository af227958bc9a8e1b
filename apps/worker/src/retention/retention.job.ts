import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { KizukiConfig } from '@kizuki/config';
import { RetentionRepository } from '@kizuki/database';
import { JobName, RedisConnections, type RetentionJobData, type RetentionJobResult } from '@kizuki/queue';
import type { JobHandler } from '../jobs/job-handler';

export type { RetentionJobData };

/** Token uses and idempotency keys only matter while a token can be presented (≤ 1 h) or a job redelivered. */
const TOKEN_USES_DAYS = 2;
const DAY_MS = 86_400_000;
/** The job scheduler's id: deterministic, so every worker process upserts the same one schedule. */
export const RETENTION_SCHEDULER_ID = 'retention';

/**
 * Retention (APPI / GDPR storage limitation): raw signal bundles go after the tenant's
 * `retention.signalBundlesDays` (default 30), assessments and their labels after
 * `retention.assessmentsDays` (default 180), each period rounded up to its whole time partition
 * (a UTC day for bundles, a UTC month for assessments). Partitions that every tenant's period has
 * passed are dropped whole; the rows of tenants with a shorter period, and rows in the default
 * partition, are deleted in bounded batches (RETENTION_BATCH_SIZE rows per short transaction).
 * Account profiles keep only aggregates (typing/pointer statistics, countries) and stay.
 * Scheduled every RETENTION_EVERY_MINUTES by a BullMQ job scheduler with a fixed id; the worker
 * also makes the coming partitions when it starts.
 */
@Injectable()
export class RetentionJob implements JobHandler<JobName.Retention>, OnApplicationBootstrap {
  readonly jobName = JobName.Retention;
  private readonly logger = new Logger(RetentionJob.name);

  constructor(
    private readonly config: KizukiConfig,
    private readonly repo: RetentionRepository,
    private readonly redis: RedisConnections,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // the coming partitions before any write needs them (the default partition would take the rows meanwhile)
    await this.maintainPartitions().catch((e) =>
      this.logger.warn({ msg: 'partition upkeep failed at start', err: String(e) }),
    );
    await this.redis.scheduleEvery(
      JobName.Retention,
      RETENTION_SCHEDULER_ID,
      this.config.RETENTION_EVERY_MINUTES * 60_000,
    );
  }

  async handle(job: Job<RetentionJobData>): Promise<RetentionJobResult> {
    return this.run(job.data?.now ? new Date(job.data.now) : new Date(), job.data?.tenantId);
  }

  async run(now: Date, onlyTenant?: string): Promise<RetentionJobResult> {
    const batch = this.config.RETENTION_BATCH_SIZE;
    // upkeep that fails (a move out of the default partition past statement_timeout) must not
    // stop the row deletes: every tenant's retention still applies, partitions again next run
    const partitions = await this.maintainPartitions().catch((e: unknown) => {
      this.logger.warn({ msg: 'partition upkeep failed', err: String(e) });
      return { created: [], dropped: [], busy: [] } as RetentionJobResult['partitions'];
    });
    const result: RetentionJobResult = {
      tenants: 0,
      signalBundles: 0,
      assessments: 0,
      feedback: 0,
      consoleRollup: 0,
      ipSummaries: 0,
      tokenUses: 0,
      assessmentKeys: 0,
      partitions,
    };
    const tokensBefore = new Date(now.getTime() - TOKEN_USES_DAYS * DAY_MS);
    // rounded down to the partition (in SQL, with the upkeep): the tenant whose period is the
    // longest loses its rows only with their partition, never one by one
    for (const { tenantId, bundlesBefore, assessmentsBefore } of await this.repo.cutoffs(now)) {
      if (onlyTenant && tenantId !== onlyTenant) continue;
      result.tenants++;
      result.signalBundles += await this.drain((n) => this.repo.purgeBundles(tenantId, bundlesBefore, n), batch);
      result.assessments += await this.drain((n) => this.repo.purgeAssessments(tenantId, assessmentsBefore, n), batch);
      result.feedback += await this.drain((n) => this.repo.purgeFeedback(tenantId, assessmentsBefore, n), batch);
      result.consoleRollup += await this.drain(
        (n) => this.repo.purgeConsoleRollup(tenantId, assessmentsBefore, n),
        batch,
      );
      result.ipSummaries += await this.repo.purgeIpSummaries(tenantId, assessmentsBefore);
      result.tokenUses += await this.drain((n) => this.repo.purgeTokenUses(tenantId, tokensBefore, n), batch);
      result.assessmentKeys += await this.drain((n) => this.repo.purgeAssessmentKeys(tenantId, tokensBefore, n), batch);
    }
    if (
      result.signalBundles ||
      result.assessments ||
      result.feedback ||
      result.consoleRollup ||
      result.ipSummaries ||
      result.tokenUses ||
      result.assessmentKeys ||
      partitions.created.length ||
      partitions.dropped.length ||
      partitions.busy.length
    ) {
      this.logger.log({ msg: 'retention purge', ...result });
    }
    return result;
  }

  /** Partition upkeep (one caller at a time across workers; a table busy for 250 ms is left for the next run). */
  private async maintainPartitions(): Promise<RetentionJobResult['partitions']> {
    const out: RetentionJobResult['partitions'] = { created: [], dropped: [], busy: [] };
    for (const { action, partition } of await this.repo.maintainPartitions()) out[action].push(partition);
    return out;
  }

  /** Batches until one comes back short. */
  private async drain(purge: (limit: number) => Promise<number>, batch: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await purge(batch);
      total += n;
      if (n < batch) return total;
    }
  }
}
