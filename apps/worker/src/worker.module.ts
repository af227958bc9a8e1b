import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, KizukiConfig } from '@kizuki/config';
import { DatabaseModule } from '@kizuki/database';
import { LoginScorerModule } from '@kizuki/login-scorer';
import { RedisModule } from '@kizuki/queue';
import { WebhooksModule } from '@kizuki/webhooks';
import { ApplyFeedbackJob } from './feedback/apply-feedback.job';
import { IngestBundleJob } from './ingest/ingest-bundle.job';
import { JOB_HANDLERS } from './jobs/job-handler';
import { QueueWorkersService } from './jobs/queue-workers.service';
import { WorkerMetricsService } from './metrics/worker-metrics.service';
import { DeliverWebhookJob } from './webhooks/deliver-webhook.job';
import { SweepWebhooksJob } from './webhooks/sweep-webhooks.job';
import { RetentionJob } from './retention/retention.job';
import { ConsoleRollupJob } from './console-rollup/console-rollup.job';
import { IpSummaryJob } from './ip-summary/ip-summary.job';
import { ScoreLoginJob } from './score/score-login.job';

const JOBS = [
  IngestBundleJob,
  ScoreLoginJob,
  ApplyFeedbackJob,
  RetentionJob,
  ConsoleRollupJob,
  IpSummaryJob,
  DeliverWebhookJob,
  SweepWebhooksJob,
];

@Module({})
export class WorkerModule {
  static forRoot(config: KizukiConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'kizuki-worker',
          role: config.DATABASE_APP_ROLE,
        }),
        RedisModule,
        WebhooksModule,
        LoginScorerModule,
      ],
      providers: [
        ...JOBS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: unknown[]) => handlers, inject: JOBS },
        QueueWorkersService,
        WorkerMetricsService,
      ],
    };
  }
}
