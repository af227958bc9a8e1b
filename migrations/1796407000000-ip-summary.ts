import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/** The IP summary's snapshot tables (row-level security binds each like every tenant table). */
export const IP_SUMMARY_TABLES = ['ip_summaries', 'ip_summary_rows'];

// Issue #19 (the console at 10 million assessments): the IP summary of a busy tenant reads a
// snapshot the worker rebuilds every few minutes (kizuki_ip_summary_build), not a scan of its period.
//
// - ip_summaries: one row per tenant and range (24h, 7d, 30d): the period the snapshot covers
//   ([period_from, period_to), period_to is the "as of" the console shows), how many assessments
//   it aggregated (the api reads small periods live instead) and the oldest of them (retention).
// - ip_summary_rows: the IPs of that period in the top 500 of any of the console's sorts, with
//   their figures and their rank in each sort (null: not in that sort's top 500).
// Written only by the owner's SECURITY DEFINER function; the app reads, and retention deletes.
export class IpSummary1796407000000 implements MigrationInterface {
  name = 'IpSummary1796407000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ip_summaries (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        range text NOT NULL CHECK (range IN ('24h', '7d', '30d')),
        period_from timestamptz NOT NULL,
        period_to timestamptz NOT NULL,
        assessments bigint NOT NULL,
        oldest timestamptz,
        built_at timestamptz NOT NULL,
        build_ms int NOT NULL,
        PRIMARY KEY (tenant_id, range)
      );
      CREATE TABLE ip_summary_rows (
        tenant_id uuid NOT NULL,
        range text NOT NULL,
        ip inet NOT NULL,
        checks int NOT NULL,
        users int NOT NULL,
        failures int NOT NULL,
        flagged int NOT NULL,
        denied int NOT NULL,
        countries text[] NOT NULL,
        asn int,
        datacenter boolean NOT NULL,
        tor boolean NOT NULL,
        foreign_ip boolean NOT NULL,
        last_seen timestamptz NOT NULL,
        rank_checks int,
        rank_users int,
        rank_failures int,
        rank_flagged int,
        rank_last int,
        PRIMARY KEY (tenant_id, range, ip),
        FOREIGN KEY (tenant_id, range) REFERENCES ip_summaries (tenant_id, range) ON DELETE CASCADE
      );
      -- written by kizuki_ip_summary_build (as the owner); the app reads, and retention deletes expired snapshots
      REVOKE INSERT, UPDATE ON ip_summaries, ip_summary_rows FROM kizuki_app;
    `);
    for (const t of IP_SUMMARY_TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t}
          USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ip_summary_rows, ip_summaries`);
  }
}
