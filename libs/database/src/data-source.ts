import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /**
   * The role to act as on every connection (the api and worker: `kizuki_app`, which row-level
   * security binds). Set as a startup parameter, so it costs no round trip. Unset for the CLI and
   * migrations, which run as the owner.
   */
  role?: string;
}

/** One place that says how Kizuki talks to PostgreSQL; used by the apps, the CLI and tests. */
export function dataSourceOptions({
  url,
  poolSize = 10,
  applicationName = 'kizuki',
  role,
}: DatabaseOptions): DataSourceOptions {
  if (role && !/^[a-z_][a-z0-9_]{0,62}$/.test(role))
    throw new Error(`DATABASE_APP_ROLE '${role}' is not a plain role name`);
  return {
    type: 'postgres',
    url,
    // no entities: the repositories write their own SQL
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'kizuki_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    // TypeORM's own logger prints a failed query's parameters: bundles, IPs, user pseudonyms.
    logger: new ParameterFreeLogger(),
    poolSize,
    applicationName,
    // Fail fast when PostgreSQL is unreachable instead of queueing work behind a dead pool.
    extra: {
      connectionTimeoutMillis: 2000,
      statement_timeout: 10000,
      idle_in_transaction_session_timeout: 30000,
      ...(role ? { options: `-c role=${role}` } : {}),
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/** Logs failed queries (and schema/migration notes) without their parameters, which hold personal data. */
class ParameterFreeLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');
  logQuery(): void {}
  logQueryError(error: string | Error, query: string): void {
    this.logger.error({
      msg: 'query failed',
      error: error instanceof Error ? error.message : String(error),
      query: query.replace(/\s+/g, ' ').slice(0, 200),
    });
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.log(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
