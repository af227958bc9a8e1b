import { Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { LoginScorer } from '@kizuki/login-scorer';
import type { RiskAnswer } from '@kizuki/contract';
import { JobName, type ScoreLoginJobData } from '@kizuki/queue';
import type { JobHandler } from '../jobs/job-handler';
import { WorkerMetricsService } from '../metrics/worker-metrics.service';

export type { ScoreLoginJobData };

/** A score job: a risk call the api is waiting on (RISK_SCORING=worker), or one it shed or could not finish. */
@Injectable()
export class ScoreLoginJob implements JobHandler<JobName.ScoreLogin> {
  readonly jobName = JobName.ScoreLogin;

  constructor(
    private readonly scorer: LoginScorer,
    private readonly metrics: WorkerMetricsService,
  ) {}

  async handle(job: Job<ScoreLoginJobData>): Promise<RiskAnswer> {
    const d = job.data;
    if (!d?.tenantId || !d.assessmentId || !d.userHash)
      throw new UnrecoverableError('score job without tenant, assessment id or user');
    const { answer, scoredNow } = await this.scorer.score(d);
    if (scoredNow) {
      this.metrics.decisions.inc({ decision: answer.decision });
      for (const r of answer.reasons) this.metrics.reasons.inc({ reason: r.code });
    }
    return answer;
  }
}
