import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/** The roll-up tables (row-level security binds each like every tenant table). */
export const CONSOLE_ROLLUP_TABLES = ['console_hours', 'console_bursts', 'console_rollup_state'];

// Issue #19 (the console at 10 million assessments): the dashboard reads an hourly roll-up of the
// closed hours instead of scanning assessments (kizuki_console_rollup_hour fills one hour; the
// worker's roll-up job closes hours as they end and backfills a deployment's history).
//
// - console_hours: one row per tenant and UTC hour: counts by decision and event, failed logins,
//   reason / country / ASN counts, the hour's top IPs, and two distinct-count sketches (users, IPs)
//   as bytea: the hll extension's own format when it is installed, Kizuki's HyperLogLog registers
//   otherwise (kizuki_console_sketch_kind says which; both log2m = 11, ~2.3 % standard error).
// - console_bursts: one row per tenant and 10-minute window, with exact distinct users and IPs
//   (a window is never merged with another).
// - console_rollup_state: per tenant, the hour before which the roll-up is complete.
// - assessments_fraud_time: the fraud count is read live (a label comes after its hour closed).
// The extension is created when the server has it (Debian postgresql-15-hll); an embedded
// PostgreSQL without it keeps the registers path.
export class ConsoleRollup1796405000000 implements MigrationInterface {
  name = 'ConsoleRollup1796405000000';

  async up(q: QueryRunner): Promise<void> {
    const [available] = await q.query(`SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'hll'`);
    if (available.n) {
      // creating it needs a superuser (it is not a trusted extension): without one, the registers path
      await q.query(`SAVEPOINT hll`);
      try {
        await q.query(`CREATE EXTENSION IF NOT EXISTS hll`);
        await q.query(`RELEASE SAVEPOINT hll`);
      } catch {
        await q.query(`ROLLBACK TO SAVEPOINT hll`);
      }
    }
    await q.query(`
      CREATE TABLE console_hours (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
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
        PRIMARY KEY (tenant_id, hour)
      );
      CREATE TABLE console_bursts (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        window_start timestamptz NOT NULL,
        n int NOT NULL,
        bad int NOT NULL,
        users int NOT NULL,
        ips int NOT NULL,
        PRIMARY KEY (tenant_id, window_start)
      );
      CREATE TABLE console_rollup_state (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        rolled_until timestamptz NOT NULL
      );
      CREATE INDEX assessments_fraud_time ON assessments (tenant_id, created_at) WHERE label = 'fraud';
      -- written by the roll-up functions (as the owner); the app reads, and retention deletes expired hours
      REVOKE INSERT, UPDATE, DELETE ON console_rollup_state FROM kizuki_app;
      REVOKE INSERT, UPDATE ON console_hours, console_bursts FROM kizuki_app;
    `);
    for (const t of CONSOLE_ROLLUP_TABLES) {
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
      DROP INDEX assessments_fraud_time;
      DROP TABLE console_rollup_state, console_bursts, console_hours;
    `);
  }
}
