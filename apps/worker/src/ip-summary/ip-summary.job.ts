import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { IpSummaryRepository, type IpSummaryRange } from '@kizuki/database';
import { type IpSummaryJobData, type IpSummaryJobResult, JobName, RedisConnections } from '@kizuki/queue';
import type { Job } from 'bullmq';
import type { JobHandler } from '../jobs/job-handler';

/** The job scheduler's id: deterministic, so every worker process upserts the same one schedule. */
export const IP_SUMMARY_SCHEDULER_ID = 'ip-summary';
export const IP_SUMMARY_JOB_EVERY_MS = 60_000;
/**
 * How old each range's snapshot may get before it is rebuilt: a longer range costs more to scan
 * and moves less in a few minutes (docs/operations.md, "IP summary").
 */
export const IP_SUMMARY_REBUILD_MS: Record<IpSummaryRange, number> = {
  '24h': 5 * 60_000,
  '7d': 15 * 60_000,
  '30d': 60 * 60_000,
};
/** A snapshot ends this long before the job runs: a login's row carries its transaction's start time. */
export const IP_SUMMARY_GRACE_MS = 2 * 60_000;
/** One build's statement timeout: a busy tenant's month is a background scan of millions of rows. */
export const IP_SUMMARY_BUILD_TIMEOUT_MS = 15 * 60_000;

/**
 * The IP summary's snapshots (issue #19): every minute, each tenant's ranges whose snapshot is older
 * than its rebuild interval are rebuilt up to the last whole minute two minutes ago
 * (kizuki_ip_summary_build, one statement per snapshot). Nothing on the score path; the console
 * reads a quiet tenant's period live and a busy one's snapshot, with its time.
 */
@Injectable()
export class IpSummaryJob implements JobHandler<JobName.IpSummary>, OnApplicationBootstrap {
  readonly jobName = JobName.IpSummary;
  private readonly logger = new Logger(IpSummaryJob.name);

  constructor(
    private readonly repo: IpSummaryRepository,
    private readonly redis: RedisConnections,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.redis.scheduleEvery(JobName.IpSummary, IP_SUMMARY_SCHEDULER_ID, IP_SUMMARY_JOB_EVERY_MS);
  }

  async handle(job: Job<IpSummaryJobData>): Promise<IpSummaryJobResult> {
    return this.run(job.data?.now ? new Date(job.data.now) : new Date());
  }

  async run(now: Date): Promise<IpSummaryJobResult> {
    const to = new Date(Math.floor((now.getTime() - IP_SUMMARY_GRACE_MS) / 60_000) * 60_000);
    const result: IpSummaryJobResult = { built: 0, skipped: 0 };
    for (const { tenantId, range } of await this.repo.pending(to, IP_SUMMARY_REBUILD_MS)) {
      const n = await this.repo.build(tenantId, range, to, IP_SUMMARY_BUILD_TIMEOUT_MS);
      if (n < 0) result.skipped++;
      else result.built++;
    }
    if (result.built) this.logger.log({ msg: 'IP summary snapshots', ...result });
    return result;
  }
}
