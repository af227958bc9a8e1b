import type { MigrationInterface, QueryRunner } from 'typeorm';

// Storing SDK bundles for less (issue #7, docs/benchmarks.md):
//
// 1. The large JSON values written on every collect and trusted login (bundles ≈ 2.4 KiB as jsonb,
//    account profiles, device traits) are compressed with lz4 instead of PostgreSQL's default pglz:
//    measured here, inserting a bundle cost ≈ 140 µs of PostgreSQL CPU with pglz and ≈ 65 µs with
//    lz4, for 27 % more space. Only values written from now on change. A server built without lz4
//    keeps pglz: an install must not stop over a speed-up.
// 2. One function stores a tenant's batch of bundles in one round trip (withTenant() took three:
//    BEGIN + set_config, the INSERT, COMMIT; a round trip costs ~150 µs of CPU on each side here).
//    SECURITY INVOKER like the score-path functions: row-level security binds it, and it sets
//    `app.tenant_id` for its own transaction (the statement's).
const COLUMNS: [table: string, column: string][] = [
  ['signal_bundles', 'payload'],
  ['accounts', 'typing_profile'],
  ['accounts', 'pointer_profile'],
  ['devices', 'components'],
];

export class BundleStorageCost1764490400000 implements MigrationInterface {
  name = 'BundleStorageCost1764490400000';

  async up(q: QueryRunner): Promise<void> {
    await setCompression(q, 'lz4');
    await q.query(`
      CREATE OR REPLACE FUNCTION kizuki_store_bundles(p_tenant uuid, p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- in the order given (the caller sorts by id): two batches holding the same bundle wait
        -- for each other instead of deadlocking
        INSERT INTO signal_bundles (id, tenant_id, received_at, ip, user_agent, origin, payload)
        SELECT b.id, p_tenant, b.received_at, b.ip, b.user_agent, b.origin, b.payload
          FROM ROWS FROM (jsonb_to_recordset(p_rows) AS (id uuid, received_at timestamptz, ip inet, user_agent text, origin text, payload jsonb))
               WITH ORDINALITY AS b(id, received_at, ip, user_agent, origin, payload, n)
         ORDER BY b.n
        ON CONFLICT (id) DO NOTHING;
      END
      $fn$;
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kizuki_app') THEN
          GRANT EXECUTE ON FUNCTION kizuki_store_bundles(uuid, jsonb) TO kizuki_app;
        END IF;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS kizuki_store_bundles(uuid, jsonb);`);
    await setCompression(q, 'default');
  }
}

async function setCompression(q: QueryRunner, method: 'lz4' | 'default'): Promise<void> {
  const statements = COLUMNS.map(([t, c]) => `ALTER TABLE ${t} ALTER COLUMN ${c} SET COMPRESSION ${method};`).join(' ');
  await q.query(`DO $$ BEGIN ${statements} EXCEPTION WHEN feature_not_supported THEN RAISE NOTICE 'lz4 is not available: values stay pglz-compressed'; END $$;`);
}
