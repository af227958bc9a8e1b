import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/** The daily roll-up's table (row-level security binds it like every tenant table). */
export const CONSOLE_DAYS_TABLES = ['console_days'];

// Issue #19 (every console screen ≤ 300 ms p95 at 10 million assessments): the 30-day dashboard merged
// 720 hourly rows (their maps, top-IP lists and sketches). console_days holds one row per tenant and
// closed UTC day in console_hours' shape, merged from the day's hours (kizuki_console_days) by the
// same roll-up (kizuki_console_rollup) once the hourly watermark passed the day's end;
// console_rollup_state.days_until is the day before which the daily rows are complete (null: none yet,
// so a deployment that had hours before this version gets its days on the roll-up job's next run).
export class ConsoleDays1796406000000 implements MigrationInterface {
  name = 'ConsoleDays1796406000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE console_days (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        day timestamptz NOT NULL,
        total int NOT NULL,
        allow int NOT NULL,
        challenge int NOT NULL,
        deny int NOT NULL,
        failed int NOT NULL,
        events jsonb NOT NULL,
        reasons jsonb NOT NULL,
        countries jsonb NOT NULL,
        asns jsonb NOT NULL,
        top_ips jsonb NOT NULL,
        users bytea,
        ips bytea,
        PRIMARY KEY (tenant_id, day)
      );
      ALTER TABLE console_rollup_state ADD COLUMN days_until timestamptz;
      -- written by the roll-up function (as the owner); the app reads, and retention deletes expired days
      REVOKE INSERT, UPDATE ON console_days FROM kizuki_app;
    `);
    for (const t of CONSOLE_DAYS_TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t}
          USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE console_rollup_state DROP COLUMN days_until;
      DROP TABLE console_days;
    `);
  }
}
