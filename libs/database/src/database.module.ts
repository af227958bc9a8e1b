import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONSOLE_READ_DB, ConsoleReads } from './console-reads';
import { createDataSource, dataSourceOptions, type DatabaseOptions } from './data-source';
import { AdminAuthRepository } from './repositories/admin-auth.repository';
import { AdminRepository } from './repositories/admin.repository';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AssessmentRepository } from './repositories/assessment.repository';
import { BreachedPasswordRepository } from './repositories/breached-password.repository';
import { BundleRepository } from './repositories/bundle.repository';
import { FeedbackRepository } from './repositories/feedback.repository';
import { IdentityDocumentRepository } from './repositories/identity-document.repository';
import { ListRepository } from './repositories/list.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { ConsoleRollupRepository } from './repositories/console-rollup.repository';
import { IpSummaryRepository } from './repositories/ip-summary.repository';
import { LoginStateRepository } from './repositories/login-state.repository';
import { TenantRepository } from './repositories/tenant.repository';
import { UserDataRepository } from './repositories/user-data.repository';
import { DisplayLabelRepository } from './repositories/display-label.repository';
import { DEFAULT_APP_ROLE } from './tenant-scope';

const REPOSITORIES = [
  TenantRepository,
  ApiKeyRepository,
  AdminRepository,
  AdminAuthRepository,
  BundleRepository,
  AssessmentRepository,
  FeedbackRepository,
  ListRepository,
  LoginStateRepository,
  UserDataRepository,
  RetentionRepository,
  ConsoleRollupRepository,
  IpSummaryRepository,
  OutboxRepository,
  DisplayLabelRepository,
  BreachedPasswordRepository,
  IdentityDocumentRepository,
];

@Module({})
export class DatabaseModule {
  /**
   * The apps' database: they act as `role` (default kizuki_app, DATABASE_APP_ROLE), which
   * row-level security binds; `none` keeps the login role.
   */
  static forRoot(options: DatabaseOptions & { readUrl?: string }): DynamicModule {
    const role = options.role === undefined ? DEFAULT_APP_ROLE : options.role === 'none' ? undefined : options.role;
    const { readUrl, ...primary } = options;
    // DATABASE_READ_URL: a replica for the console's reads (ConsoleReads), else the primary itself.
    // Its pool, like the primary's, connects per query: a replica down at boot does not stop the api.
    const consoleReadDb = {
      provide: CONSOLE_READ_DB,
      inject: [DataSource],
      useFactory: (db: DataSource) =>
        readUrl
          ? createDataSource({
              ...primary,
              url: readUrl,
              role,
              applicationName: `${primary.applicationName ?? 'kizuki'}-reads`,
            })
          : db,
    };
    return {
      module: DatabaseModule,
      global: true,
      // The pool connects lazily per query; a PostgreSQL outage at boot is retried, not fatal.
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions({ ...primary, role }), retryAttempts: 3, retryDelay: 1000 }),
      ],
      providers: [...REPOSITORIES, consoleReadDb, ConsoleReads],
      exports: [...REPOSITORIES, CONSOLE_READ_DB, ConsoleReads],
    };
  }
}
