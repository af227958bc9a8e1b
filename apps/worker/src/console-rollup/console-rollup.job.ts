import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConsoleRollupRepository } from '@kizuki/database';
import { type ConsoleRollupJobData, type ConsoleRollupJobResult, JobName, RedisConnections } from '@kizuki/queue';
import type { Job } from 'bullmq';
import type { JobHandler } from '../jobs/job-handler';

/** The job scheduler's id: deterministic, so every worker process upserts the same one schedule. */
export const CONSOLE_ROLLUP_SCHEDULER_ID = 'console-rollup';
export const CONSOLE_ROLLUP_EVERY_MS = 60_000;
/** A 10-minute window is closed this long after it ends: a login's row carries its transaction's start time. */
export const CONSOLE_ROLLUP_GRACE_MS = 2 * 60_000;

/**
 * The console's hourly roll-up (issue #19): every minute, each tenant's closed 10-minute windows
 * are rolled up into console_hours (the hour under way again from its start) and console_bursts,
 * and each UTC day the watermark passed into console_days (kizuki_console_rollup, a day per
 * statement); a tenant never rolled up is backfilled from its
 * oldest assessment. Nothing on the score path: the console reads the minutes after the
 * watermark (≤ 13) from the raw rows.
 */
@Injectable()
export class ConsoleRollupJob implements JobHandler<JobName.ConsoleRollup>, OnApplicationBootstrap {
  readonly jobName = JobName.ConsoleRollup;
  private readonly logger = new Logger(ConsoleRollupJob.name);

  constructor(
    private readonly repo: ConsoleRollupRepository,
    private readonly redis: RedisConnections,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.redis.scheduleEvery(JobName.ConsoleRollup, CONSOLE_ROLLUP_SCHEDULER_ID, CONSOLE_ROLLUP_EVERY_MS);
  }

  async handle(job: Job<ConsoleRollupJobData>): Promise<ConsoleRollupJobResult> {
    return this.run(job.data?.now ? new Date(job.data.now) : new Date());
  }

  async run(now: Date): Promise<ConsoleRollupJobResult> {
    const result = await this.repo.catchUp(now, CONSOLE_ROLLUP_GRACE_MS);
    if (result.hours) this.logger.log({ msg: 'console roll-up', ...result });
    return result;
  }
}
