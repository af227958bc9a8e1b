import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The PostgreSQL role the api and worker act as (DATABASE_APP_ROLE); it owns nothing, so row-level security binds it.
 */
export const DEFAULT_APP_ROLE = 'kizuki_app';

export class InvalidTenantId extends Error {
  constructor() {
    super('tenant id must be a UUID');
  }
}

/** For statements that set the tenant themselves (the score-path functions): the same check as withTenant. */
export function assertTenantId(tenantId: string): void {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new InvalidTenantId();
}

export interface TenantScopeOptions {
  /**
   * The work only reads: the transaction is READ ONLY and its COMMIT is not waited for (the
   * connection goes back to the pool once it is done), so a read costs one round trip more than
   * without row-level security, not two.
   */
  readOnly?: boolean;
}

/**
 * Runs `fn` in a transaction in which PostgreSQL's row-level security sees `tenantId`
 * (`app.tenant_id`, transaction-local): every policy is `tenant_id = app.tenant_id`, so a query
 * that forgot its `WHERE tenant_id = …` still cannot touch another tenant's rows.
 *
 * BEGIN and set_config travel in one round trip (simple protocol; the id is checked to be a UUID
 * before it is written into the statement). Given an EntityManager already inside a transaction,
 * the setting is added to that transaction.
 */
export async function withTenant<T>(
  db: DataSource | EntityManager,
  tenantId: string,
  fn: (m: EntityManager) => Promise<T>,
  options: TenantScopeOptions = {},
): Promise<T> {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new InvalidTenantId();
  if (!(db instanceof DataSource)) {
    if (db.queryRunner && !db.queryRunner.isReleased && db.queryRunner.isTransactionActive) {
      await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return fn(db);
    }
    db = db.connection;
  }
  const qr: QueryRunner = db.createQueryRunner();
  let done = false;
  try {
    await qr.query(
      `BEGIN${options.readOnly ? ' READ ONLY' : ''};
       SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`,
    );
    // TypeORM did not issue the BEGIN: tell it, so nothing in fn starts a second transaction.
    (qr as { isTransactionActive: boolean }).isTransactionActive = true;
    const result = await fn(qr.manager);
    if (options.readOnly) {
      done = true;
      qr.query('COMMIT').then(
        () => qr.release(),
        (err: unknown) => release(qr, err),
      );
      return result;
    }
    await qr.query('COMMIT');
    return result;
  } catch (err) {
    if (!done) {
      done = true;
      await qr.query('ROLLBACK').then(
        () => qr.release(),
        (e: unknown) => release(qr, e),
      );
    }
    throw err;
  } finally {
    if (!done) await qr.release();
  }
}

/** Gives a connection back to the pool, or destroys it when it failed. */
function release(qr: QueryRunner, err: unknown): void {
  const r = qr as unknown as { releasePostgresConnection?: (e?: unknown) => Promise<void> };
  if (r.releasePostgresConnection)
    void r.releasePostgresConnection(err instanceof Error ? err : new Error(String(err)));
  else void qr.release();
}

/** A row as pg returns it: its columns are untyped until a repository maps them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's rows are untyped by nature
export type QueryRow = Record<string, any>;
