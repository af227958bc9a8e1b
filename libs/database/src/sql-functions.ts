import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource, QueryRunner } from 'typeorm';

/** One SQL function: `<name>.sql` holds its CREATE OR REPLACE text and its grants. */
export interface SqlFunctionFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface SqlFunctionsApplied {
  applied: string[];
  dropped: string[];
}

/**
 * libs/database/sql beside the sources (tests, tsx), or dist/sql beside the bundled apps
 * (dist/apps/<app>/main.js), where `npm run build` copies it.
 */
export function sqlFunctionsDir(): string {
  const candidates = [join(__dirname, '..', 'sql'), join(__dirname, '..', '..', 'sql')];
  const found = candidates.find((dir) => existsSync(join(dir, 'kizuki_score_load_many.sql')));
  if (!found) throw new Error(`SQL function files not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function readSqlFunctions(dir = sqlFunctionsDir()): SqlFunctionFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.sql'.length);
      if (!/^kizuki_[a-z0-9_]+$/.test(name)) throw new Error(`${f}: a function file is named after its function`);
      const sql = readFileSync(join(dir, f), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies each function file whose checksum differs from the one recorded in kizuki_sql_functions,
 * in one transaction, and drops the functions whose file is gone. A changed file's function is
 * dropped (every overload of its name) and created from the file: one name is one function.
 */
export async function applySqlFunctions(db: DataSource, files = readSqlFunctions()): Promise<SqlFunctionsApplied> {
  const q = db.createQueryRunner();
  await q.connect();
  try {
    await q.startTransaction();
    // one applier at a time (two deploys migrating at once): the second sees the first's rows
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('kizuki_sql_functions'))`);
    // bodies are checked when called: a file may call a function whose file comes later
    await q.query(`SET LOCAL check_function_bodies = off`);
    const recorded = new Map<string, string>(
      ((await q.query(`SELECT name, checksum FROM kizuki_sql_functions`)) as { name: string; checksum: string }[]).map(
        (r) => [r.name, r.checksum],
      ),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (recorded.get(file.name) === file.checksum) continue;
      await applyOne(q, file);
      applied.push(file.name);
    }
    const names = new Set(files.map((f) => f.name));
    const dropped = [...recorded.keys()].filter((name) => !names.has(name));
    for (const name of dropped) {
      for (const fn of await overloads(q, name)) await q.query(`DROP FUNCTION ${fn.signature}`);
      await q.query(`DELETE FROM kizuki_sql_functions WHERE name = $1`, [name]);
    }
    await q.commitTransaction();
    return { applied, dropped };
  } catch (error) {
    if (q.isTransactionActive) await q.rollbackTransaction();
    throw error;
  } finally {
    await q.release();
  }
}

async function applyOne(q: QueryRunner, file: SqlFunctionFile): Promise<void> {
  // the file says all there is of the function: a changed signature or return type replaces it
  // whole (callers see the old one until the commit)
  for (const fn of await overloads(q, file.name)) await q.query(`DROP FUNCTION ${fn.signature}`);
  await q.query(file.sql);
  if ((await overloads(q, file.name)).length !== 1) {
    throw new Error(`${file.name}.sql must create the one function ${file.name}`);
  }
  await q.query(
    `INSERT INTO kizuki_sql_functions (name, checksum) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`,
    [file.name, file.checksum],
  );
}

async function overloads(q: QueryRunner, name: string): Promise<{ signature: string }[]> {
  return q.query(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
      WHERE p.proname = $1 AND p.pronamespace = 'public'::regnamespace`,
    [name],
  );
}

/**
 * The one way a database is brought up to date (the CLI's `migrate`, npm start, tests, benches):
 * the migrations, then the SQL functions, then the partitions around today (partition upkeep,
 * which the worker repeats).
 */
export async function migrateDatabase(
  db: DataSource,
): Promise<{ migrations: string[]; functions: SqlFunctionsApplied }> {
  const migrations = await db.runMigrations({ transaction: 'each' });
  const functions = await applySqlFunctions(db);
  await db.query(`SELECT count(*) FROM kizuki_partitions_run(now())`);
  return { migrations: migrations.map((m) => m.name), functions };
}
