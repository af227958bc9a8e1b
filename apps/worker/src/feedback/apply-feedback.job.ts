import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { LoginStateRepository, type LabelLearningContext } from '@kizuki/database';
import { JobName, type ApplyFeedbackJobData } from '@kizuki/queue';
import type { SignalBundle } from '@kizuki/contract';
import { learnFromTrustedLogin, NetworkIntelService } from '@kizuki/login-scorer';
import type { JobHandler } from '../jobs/job-handler';

export type { ApplyFeedbackJobData };

/**
 * Learns from a label the customer or an analyst gave a login (once per feedback: the claim on
 * feedback.applied_at and the learning share one transaction). 'legit' and 'challenge_passed'
 * are trusted outcomes: the device becomes trusted and, unless the login already taught the
 * account when it was scored, its typing, pointer, country and language are learned from the
 * assessment's bundle. 'fraud' marks the device.
 */
@Injectable()
export class ApplyFeedbackJob implements JobHandler<JobName.ApplyFeedback> {
  readonly jobName = JobName.ApplyFeedback;

  constructor(
    private readonly state: LoginStateRepository,
    private readonly network: NetworkIntelService,
  ) {}

  async handle(job: Job<ApplyFeedbackJobData>): Promise<{ applied: boolean }> {
    const d = job.data;
    if (!d?.tenantId || !d.feedbackId || !d.label)
      throw new UnrecoverableError('feedback job without tenant, feedback id or label');
    return { applied: await this.state.applyLabel(d.tenantId, d.feedbackId, d.label, (ctx) => this.learn(ctx)) };
  }

  private learn(ctx: LabelLearningContext) {
    const geo = ctx.ip ? this.network.info(ctx.ip, ctx.language, false) : null;
    const bundle = ctx.bundle && typeof ctx.bundle === 'object' ? (ctx.bundle as SignalBundle) : null;
    return learnFromTrustedLogin(
      ctx.account,
      bundle,
      {
        ip: ctx.ip,
        country: ctx.country ?? geo?.country ?? null,
        language: ctx.language,
        lat: geo?.lat ?? null,
        lon: geo?.lon ?? null,
      },
      ctx.at,
    );
  }
}
