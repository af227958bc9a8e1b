import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  createDataSource,
  LOCAL_TABLES,
  migrateDatabase,
  REFERENCE_TABLES,
  tenantKeyViolations,
} from '@kizuki/database';

jest.setTimeout(60_000); // a fresh database migrated, on a shared host

const ADMIN_URL = process.env.KIZUKI_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/**
 * Ready for a sharded PostgreSQL (Citus, distributed by tenant_id): every key of a tenant table
 * holds tenant_id, and the tables without it are declared (libs/database/src/distribution.ts).
 */
describe('schema: every key holds tenant_id (distribution by tenant)', () => {
  const name = `kizuki_test_dist_${randomBytes(4).toString('hex')}`;
  let db: DataSource;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    db = createDataSource({ url: url.toString(), poolSize: 2 });
    await db.initialize();
    await migrateDatabase(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('the migrated schema: every primary, unique and foreign key of a tenant table includes tenant_id', async () => {
    expect(await tenantKeyViolations(db)).toEqual([]);
  });

  it('declares only tables that exist, and none of the score path as a reference table', async () => {
    const rows: { name: string }[] = await db.query(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace
          AND relkind IN ('r', 'p') AND NOT relispartition`,
    );
    const tables = rows.map((r) => r.name);
    for (const t of [...Object.keys(REFERENCE_TABLES), ...Object.keys(LOCAL_TABLES)]) expect(tables).toContain(t);
    // the data of the score path is distributed, never a reference table
    for (const t of ['accounts', 'devices', 'account_devices', 'assessments', 'signal_bundles', 'token_uses'])
      expect(Object.keys(REFERENCE_TABLES)).not.toContain(t);
  });

  it('finds each kind of key that would cross shards', async () => {
    await db.query(`
      CREATE TABLE zz_no_tenant (id uuid PRIMARY KEY);
      CREATE TABLE zz_bad_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id),
        code text UNIQUE,
        account_id uuid,
        FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
      );
      CREATE TABLE zz_bad_fk (
        tenant_id uuid NOT NULL,
        other uuid NOT NULL,
        account_id uuid NOT NULL,
        PRIMARY KEY (tenant_id, account_id),
        FOREIGN KEY (other, account_id) REFERENCES accounts (tenant_id, id),
        FOREIGN KEY (account_id, tenant_id) REFERENCES accounts (tenant_id, id)
      );
      ALTER TABLE api_keys ADD COLUMN zz_account uuid,
        ADD FOREIGN KEY (tenant_id, zz_account) REFERENCES accounts (tenant_id, id);
    `);
    try {
      const found = await tenantKeyViolations(db);
      expect(found).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^zz_no_tenant: no tenant_id/),
          expect.stringMatching(/^zz_no_tenant: primary key zz_no_tenant_pkey \(id\) lacks tenant_id/),
          expect.stringMatching(/^zz_bad_keys: primary key zz_bad_keys_pkey \(id\) lacks tenant_id/),
          expect.stringMatching(/^zz_bad_keys: unique key zz_bad_keys_code_key \(code\) lacks tenant_id/),
          expect.stringMatching(/^zz_bad_fk: foreign key \S+ \(other, account_id\) → accounts lacks tenant_id$/),
          expect.stringMatching(
            /^zz_bad_fk: foreign key \S+ \(account_id, tenant_id\) → accounts does not match tenant_id/,
          ),
          expect.stringMatching(/^api_keys: foreign key .* → accounts: a reference or local table refers/),
        ]),
      );
      // zz_bad_keys's foreign key to accounts carries tenant_id: not a finding
      expect(found.filter((f) => f.startsWith('zz_bad_keys: foreign key'))).toEqual([]);
    } finally {
      await db.query(`
        ALTER TABLE api_keys DROP COLUMN zz_account;
        DROP TABLE IF EXISTS zz_bad_fk, zz_bad_keys, zz_no_tenant;
      `);
    }
  });
  it("deleting a tenant deletes its assessments and account-device links through their account's keys", async () => {
    // assessments and account_devices have no key to tenants of their own (their keys to the tenant's
    // accounts and devices prove and cascade it): the tenant's deletion must still remove them, and only its own
    const [x, y] = [randomUUID(), randomUUID()];
    const seed = async (t: string) => {
      await db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'cascade')`, [t]);
      const [{ id: account }] = await db.query(
        `INSERT INTO accounts (tenant_id, user_hash) VALUES ($1, 'u') RETURNING id`,
        [t],
      );
      const [{ id: device }] = await db.query(
        `INSERT INTO devices (tenant_id, visitor_id) VALUES ($1, 'v') RETURNING id`,
        [t],
      );
      await db.query(`INSERT INTO account_devices (tenant_id, account_id, device_id) VALUES ($1, $2, $3)`, [
        t,
        account,
        device,
      ]);
      await db.query(
        `INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, event, status, decision,
                                  policy_decision, score, scores, reasons, created_at)
         VALUES ($1, $2, 'k', $3, $4, 'login', 'succeeded', 'allow', 'allow', 0, '{}', '[]', now())`,
        [randomUUID(), t, account, device],
      );
    };
    await seed(x);
    await seed(y);
    const counts = async (t: string) =>
      (
        await db.query(
          `SELECT (SELECT count(*)::int FROM assessments WHERE tenant_id = $1) AS assessments,
                  (SELECT count(*)::int FROM account_devices WHERE tenant_id = $1) AS links,
                  (SELECT count(*)::int FROM accounts WHERE tenant_id = $1) AS accounts,
                  (SELECT count(*)::int FROM devices WHERE tenant_id = $1) AS devices`,
          [t],
        )
      )[0];
    expect(await counts(x)).toEqual({ assessments: 1, links: 1, accounts: 1, devices: 1 });
    const direct: { tbl: string }[] = await db.query(
      `SELECT conrelid::regclass::text AS tbl FROM pg_constraint
        WHERE contype = 'f' AND confrelid = 'tenants'::regclass
          AND conrelid IN ('assessments'::regclass, 'account_devices'::regclass)`,
    );
    expect(direct).toEqual([]);
    await db.query(`DELETE FROM tenants WHERE id = $1`, [x]);
    expect(await counts(x)).toEqual({ assessments: 0, links: 0, accounts: 0, devices: 0 });
    expect(await counts(y)).toEqual({ assessments: 1, links: 1, accounts: 1, devices: 1 });
    await db.query(`DELETE FROM tenants WHERE id = $1`, [y]);
  });
});
