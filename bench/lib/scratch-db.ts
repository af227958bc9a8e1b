// A throwaway PostgreSQL database for a bench: made, migrated, used, dropped.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource, migrateDatabase } from '@kizuki/database';

export const ADMIN_URL = process.env.KIZUKI_BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One statement on the admin database (CREATE/DROP DATABASE), by default the machine's server. */
export async function admin(sql: string, adminUrl = ADMIN_URL): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/**
 * Creates `kizuki_<label>_<hex>`, runs the migrations in it as its owner, hands its URL to `body`,
 * and drops it afterwards, also when `body` fails (KIZUKI_BENCH_KEEP_DB=1 keeps it for a look).
 * `body` closes what it opened on the database.
 */
export async function withScratchDatabase<T>(label: string, body: (url: string) => Promise<T>): Promise<T> {
  const name = `kizuki_${label}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const owner = createDataSource({ url: url.toString(), poolSize: 1 });
    await owner.initialize();
    await migrateDatabase(owner).finally(() => owner.destroy());
    return await body(url.toString());
  } finally {
    if (process.env.KIZUKI_BENCH_KEEP_DB === '1') console.error(`[bench] database kept: ${name}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
