import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { LoginStateRepository } from '@kizuki/database';
import { JobName, type ApplyFeedbackJobData } from '@kizuki/queue';
import type { JobHandler } from '../jobs/job-handler';

export type { ApplyFeedbackJobData };

/** Learns from a label the customer or an analyst gave a login (once per feedback). */
@Injectable()
export class ApplyFeedbackJob implements JobHandler<JobName.ApplyFeedback> {
  readonly jobName = JobName.ApplyFeedback;

  constructor(private readonly state: LoginStateRepository) {}

  async handle(job: Job<ApplyFeedbackJobData>): Promise<{ applied: boolean }> {
    const d = job.data;
    if (!d?.tenantId || !d.feedbackId || !d.label) throw new UnrecoverableError('feedback job without tenant, feedback id or label');
    return { applied: await this.state.applyLabel(d.tenantId, d.feedbackId, d.label) };
  }
}
