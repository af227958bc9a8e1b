import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** One place that says how Kizuki talks to PostgreSQL; used by the apps, the CLI and tests. */
export function dataSourceOptions({ url, poolSize = 10, applicationName = 'kizuki' }: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'kizuki_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    poolSize,
    applicationName,
    // Fail fast when PostgreSQL is unreachable instead of queueing work behind a dead pool.
    extra: { connectionTimeoutMillis: 2000, statement_timeout: 10000, idle_in_transaction_session_timeout: 30000 },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
