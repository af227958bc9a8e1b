import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, KizukiConfig } from '@kizuki/config';
import { DatabaseModule } from '@kizuki/database';
import { LoginScorerModule } from '@kizuki/login-scorer';
import { RedisModule } from '@kizuki/queue';
import { WebhooksModule } from '@kizuki/webhooks';
import { AdminModule } from './admin/admin.module';
import { CommonModule } from './common/common.module';
import { AssessmentsController } from './assessments/assessments.controller';
import { AssessmentsService } from './assessments/assessments.service';
import { PublishableKeyGuard, SecretKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { BreachedPasswordsController } from './breached-passwords/breached-passwords.controller';
import { BreachedPasswordsService } from './breached-passwords/breached-passwords.service';
import { CollectController } from './collect/collect.controller';
import { DemoController } from './demo/demo.controller';
import { FeedbackController } from './feedback/feedback.controller';
import { FeedbackModule } from './feedback/feedback.module';
import { DocsController } from './docs/docs.controller';
import { OpenApiDocument } from './docs/openapi';
import { HealthController } from './health/health.controller';
import { IdentityController } from './identity/identity.controller';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { IngestBatcher } from './queue/ingest-batcher';
import { JobProducer } from './queue/job-producer';
import { OutboxRelay } from './queue/outbox-relay';
import { QueueGauges } from './queue/queue-gauges';
import { ScoreWaiter } from './queue/score-waiter';
import { RiskController } from './risk/risk.controller';
import { RiskService } from './risk/risk.service';
import { SdkAssetsController } from './sdk-assets/sdk-assets.controller';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { LinksModule } from './links/links.module';

@Module({})
export class ApiModule {
  static forRoot(config: KizukiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          readUrl: config.DATABASE_READ_URL || undefined,
          poolSize: config.DATABASE_POOL_SIZE,
          applicationName: 'kizuki-api',
          role: config.DATABASE_APP_ROLE,
        }),
        RedisModule,
        CommonModule,
        WebhooksModule,
        FeedbackModule,
        LinksModule,
        AdminModule,
        // RISK_SCORING=inline: RiskService scores with it (and the geo databases load at boot)
        ...(config.RISK_SCORING === 'inline' ? [LoginScorerModule] : []),
      ],
      controllers: [
        CollectController,
        RiskController,
        FeedbackController,
        AssessmentsController,
        HealthController,
        SdkAssetsController,
        DemoController,
        UsersController,
        MetricsController,
        DocsController,
        BreachedPasswordsController,
        IdentityController,
      ],
      providers: [
        ApiKeyService,
        SecretKeyGuard,
        PublishableKeyGuard,
        JobProducer,
        IngestBatcher,
        ScoreWaiter,
        OutboxRelay,
        QueueGauges,
        RiskService,
        AssessmentsService,
        UsersService,
        MetricsService,
        OpenApiDocument,
        BreachedPasswordsService,
      ],
    };
  }
}
