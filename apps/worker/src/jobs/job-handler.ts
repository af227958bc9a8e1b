import type { Job } from 'bullmq';
import type { JobName, JobPayloads, JobResults } from '@kizuki/queue';

/** One class per job (twenty's style): it names the job it handles and handles only that. */
export interface JobHandler<N extends JobName = JobName> {
  readonly jobName: N;
  handle(job: Job<JobPayloads[N], JobResults[N], N>): Promise<JobResults[N]>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');
