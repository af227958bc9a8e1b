import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import {
  applySqlFunctions,
  createDataSource,
  migrateDatabase,
  readSqlFunctions,
  type SqlFunctionFile,
} from '@kizuki/database';

const ADMIN_URL = process.env.KIZUKI_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/** The repeatable step: a function file runs when its checksum changed, and only then. */
describe('SQL function files (libs/database/sql)', () => {
  const name = `kizuki_test_sqlfn_${randomBytes(4).toString('hex')}`;
  let db: DataSource;
  const files = readSqlFunctions();

  function withFile(changed: SqlFunctionFile): SqlFunctionFile[] {
    return files.map((f) => (f.name === changed.name ? changed : f));
  }
  async function appliedAt(fn: string): Promise<string> {
    const [row] = await db.query(`SELECT applied_at::text AS at, checksum FROM kizuki_sql_functions WHERE name = $1`, [
      fn,
    ]);
    return `${row.at} ${row.checksum}`;
  }
  async function signatures(fn: string): Promise<string[]> {
    const sql = `SELECT oid::regprocedure::text AS s FROM pg_proc WHERE proname = $1`;
    const rows: { s: string }[] = await db.query(sql, [fn]);
    return rows.map((r) => r.s);
  }

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

  it('migrating creates every function of its file, and a second run applies nothing', async () => {
    const recorded: { name: string }[] = await db.query(`SELECT name FROM kizuki_sql_functions ORDER BY name`);
    expect(recorded.map((r) => r.name)).toEqual(files.map((f) => f.name));
    for (const f of files) expect(await signatures(f.name)).toHaveLength(1);
    expect(await migrateDatabase(db)).toEqual({ migrations: [], functions: { applied: [], dropped: [] } });
  });

  it('applies a changed file and skips the unchanged ones', async () => {
    const before = await appliedAt('kizuki_score_load_many');
    const original = files.find((f) => f.name === 'kizuki_retention_days');
    if (!original) throw new Error('kizuki_retention_days.sql is missing');
    const sql = original.sql.replace('ELSE p_fallback END', 'ELSE p_fallback + 1 END');
    expect(sql).not.toBe(original.sql);
    const result = await applySqlFunctions(db, withFile({ ...original, sql, checksum: 'changed' }));
    expect(result).toEqual({ applied: ['kizuki_retention_days'], dropped: [] });
    expect((await db.query(`SELECT kizuki_retention_days('{}', 'x', 30) AS d`))[0].d).toBe(31);
    expect(await appliedAt('kizuki_score_load_many')).toBe(before);
    // and back: the recorded checksum differs from the file's again
    expect(await applySqlFunctions(db, files)).toEqual({ applied: ['kizuki_retention_days'], dropped: [] });
    expect((await db.query(`SELECT kizuki_retention_days('{}', 'x', 30) AS d`))[0].d).toBe(30);
  });

  it('a changed signature replaces the function instead of adding an overload, keeping its grants', async () => {
    const original = files.find((f) => f.name === 'kizuki_admin_totp_unsealed');
    if (!original) throw new Error('kizuki_admin_totp_unsealed.sql is missing');
    const sql = original.sql.replace(/\(p_limit integer\)/, '(p_limit bigint)').replace(/\(integer\)/g, '(bigint)');
    expect(sql).toContain('(p_limit bigint)');
    await applySqlFunctions(db, withFile({ ...original, sql, checksum: 'changed' }));
    expect(await signatures('kizuki_admin_totp_unsealed')).toEqual(['kizuki_admin_totp_unsealed(bigint)']);
    const [grant] = await db.query(
      `SELECT has_function_privilege('kizuki_app', 'kizuki_admin_totp_unsealed(bigint)', 'EXECUTE') AS app,
              has_function_privilege('public', 'kizuki_admin_totp_unsealed(bigint)', 'EXECUTE') AS public`,
    );
    expect(grant).toEqual({ app: true, public: false });
    await applySqlFunctions(db, files);
    expect(await signatures('kizuki_admin_totp_unsealed')).toEqual(['kizuki_admin_totp_unsealed(integer)']);
  });

  it('drops the function whose file is gone; a failing file applies nothing', async () => {
    const without = files.filter((f) => f.name !== 'kizuki_outbox_depth');
    expect(await applySqlFunctions(db, without)).toEqual({ applied: [], dropped: ['kizuki_outbox_depth'] });
    expect(await signatures('kizuki_outbox_depth')).toEqual([]);

    const broken = { ...files[0], sql: `${files[0].sql}\nSELECT no_such_function();`, checksum: 'broken' };
    await expect(applySqlFunctions(db, [broken, ...files.slice(1)])).rejects.toThrow(/no_such_function/);
    expect(await signatures('kizuki_outbox_depth')).toEqual([]);
    expect(await applySqlFunctions(db, files)).toEqual({ applied: ['kizuki_outbox_depth'], dropped: [] });
  });

  it('adopts a database the replaced migrations built, and refuses one they left halfway', async () => {
    // that database had nothing of the migrations that came after the baseline
    const runner = db.createQueryRunner();
    for (const M of MIGRATIONS.slice(1).reverse()) await new M().down(runner);
    await runner.release();
    await db.query(`DROP TABLE kizuki_sql_functions`);
    await db.query(`DELETE FROM kizuki_migrations`);
    const recorded = `INSERT INTO kizuki_migrations ("timestamp", name) VALUES ($1, $2)`;
    await db.query(recorded, [1764491000000, 'SealedTotpSecrets1764491000000']);
    await expect(migrateDatabase(db)).rejects.toThrow(/not PartitionLookBack1764491100000: drop it and migrate again/);

    await db.query(recorded, [1764491100000, 'PartitionLookBack1764491100000']);
    const result = await migrateDatabase(db);
    // the baseline adopts the database; the migrations after it run as on any database
    const names = MIGRATIONS.map((M) => new M().name);
    expect(result).toEqual({ migrations: names, functions: { applied: files.map((f) => f.name), dropped: [] } });
    expect(await db.query(`SELECT name FROM kizuki_migrations ORDER BY "timestamp"`)).toEqual(
      names.map((name) => ({ name })),
    );
    for (const f of files) expect(await signatures(f.name)).toHaveLength(1);
  });
});
