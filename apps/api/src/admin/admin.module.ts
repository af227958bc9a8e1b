import { Module } from '@nestjs/common';
import { AdminAuthRepository, AdminConfigRepository, AdminInsightsRepository } from '@kizuki/database';
import { AdminAuditService } from './admin-audit.service';
import { AdminLabelService } from './admin-label.service';
import { AdminAuthController } from './auth/admin-auth.controller';
import { AdminGuard } from './auth/admin.guard';
import { AdminSessionService } from './auth/admin-session.service';
import { ConfigController } from './config.controller';
import { ConsoleStaticController } from './console-static.controller';
import { InsightsController } from './insights.controller';
import { LoginsController } from './logins.controller';
import { WebhooksController } from './webhooks.controller';

/**
 * The admin console: /admin/api (session cookie + CSRF + roles, every query scoped by the
 * session's tenant) and the SPA's static files at /console.
 */
@Module({
  controllers: [AdminAuthController, LoginsController, InsightsController, ConfigController, WebhooksController, ConsoleStaticController],
  providers: [
    AdminAuthRepository,
    AdminInsightsRepository,
    AdminConfigRepository,
    AdminSessionService,
    AdminGuard,
    AdminAuditService,
    AdminLabelService,
  ],
})
export class AdminModule {}
