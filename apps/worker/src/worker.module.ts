import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, KizukiConfig } from '@kizuki/config';
import { DatabaseModule, WebhookRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/queue';
import { ApplyFeedbackJob } from './feedback/apply-feedback.job';
import { IngestBundleJob } from './ingest/ingest-bundle.job';
import { JOB_HANDLERS } from './jobs/job-handler';
import { QueueWorkersService } from './jobs/queue-workers.service';
import { WorkerMetricsService } from './metrics/worker-metrics.service';
import { DeliverWebhookJob } from './webhooks/deliver-webhook.job';
import { SweepWebhooksJob } from './webhooks/sweep-webhooks.job';
import { NetworkIntelService } from './network/network-intel.service';
import { RetentionJob } from './retention/retention.job';
import { BundleResolver } from './score/bundle-resolver.service';
import { ScoreLoginJob } from './score/score-login.job';
import { VelocityStore } from './score/velocity.store';

const JOBS = [IngestBundleJob, ScoreLoginJob, ApplyFeedbackJob, RetentionJob, DeliverWebhookJob, SweepWebhooksJob];

@Module({})
export class WorkerModule {
  static forRoot(config: KizukiConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'kizuki-worker', role: config.DATABASE_APP_ROLE }),
      ],
      providers: [
        ...JOBS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: unknown[]) => handlers, inject: JOBS },
        BundleResolver,
        VelocityStore,
        NetworkIntelService,
        QueueWorkersService,
        WorkerMetricsService,
        WebhookRepository,
        WebhookEventsService,
      ],
    };
  }
}
