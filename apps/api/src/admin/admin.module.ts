import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { ApiKeysController } from './keys/api-keys.controller';
import { ApiKeysService } from './keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { ListsController } from './lists/lists.controller';
import { ListsService } from './lists/lists.service';
import { PolicyController } from './policy/policy.controller';
import { PolicyService } from './policy/policy.service';
import { SourcesController } from './sources/sources.controller';
import { SourcesService } from './sources/sources.service';
import { TeamController } from './team/team.controller';
import { TeamService } from './team/team.service';
import { AdminAuthRepository, AdminConfigRepository, AdminInsightsRepository } from '@kizuki/database';
import { AdminAuthController } from './auth/admin-auth.controller';
import { AdminGuard } from './auth/admin.guard';
import { AdminSessionService } from './auth/admin-session.service';
import { MeService } from './auth/me.service';
import { ConsoleStaticController } from './console-static.controller';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { InsightsController } from './insights/insights.controller';
import { InsightsService } from './insights/insights.service';
import { LoginsController } from './logins/logins.controller';
import { LoginsService } from './logins/logins.service';
import { FeedbackModule } from '../feedback/feedback.module';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhooksController } from './webhooks.controller';

/**
 * The admin console: /admin/api (session cookie + CSRF + roles, every query scoped by the
 * session's tenant) and the SPA's static files at /console.
 */
@Module({
  imports: [CommonModule, FeedbackModule],
  controllers: [
    AdminAuthController,
    LoginsController,
    InsightsController,
    AccountsController,
    ListsController,
    PolicyController,
    ApiKeysController,
    SourcesController,
    TeamController,
    AuditController,
    WebhooksController,
    ConsoleStaticController,
  ],
  providers: [
    AdminAuthRepository,
    AdminInsightsRepository,
    AdminConfigRepository,
    AdminSessionService,
    MeService,
    AdminGuard,
    LoginsService,
    InsightsService,
    AccountsService,
    ListsService,
    PolicyService,
    ApiKeysService,
    SourcesService,
    TeamService,
    WebhookEndpointsService,
  ],
})
export class AdminModule {}
