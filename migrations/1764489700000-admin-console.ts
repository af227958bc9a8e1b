import type { MigrationInterface, QueryRunner } from 'typeorm';

// Admin console: server-side sessions (stored hashed, revocable), the audit log, TOTP and
// one-time-password state on admins, key rotation overlap, and the indexes the console's
// keyset-paginated filters need (every one starts with tenant_id and ends with created_at, id).
export class AdminConsole1764489700000 implements MigrationInterface {
  name = 'AdminConsole1764489700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE admins
        ADD COLUMN totp_pending text,
        ADD COLUMN totp_last_step bigint,
        ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
        ADD COLUMN last_login_at timestamptz;
      CREATE TABLE admin_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        admin_id uuid NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        ip inet,
        user_agent text
      );
      CREATE INDEX admin_sessions_admin ON admin_sessions (tenant_id, admin_id);
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        admin_id uuid,
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        before jsonb,
        after jsonb,
        ip inet,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, created_at DESC, id DESC);
      ALTER TABLE api_keys ADD COLUMN replaced_by uuid, ADD COLUMN label text;
      CREATE INDEX assessments_decision_time ON assessments (tenant_id, decision, created_at DESC, id DESC);
      CREATE INDEX assessments_ip_time ON assessments (tenant_id, ip, created_at DESC, id DESC);
      CREATE INDEX assessments_device_time ON assessments (tenant_id, device_id, created_at DESC, id DESC);
      CREATE INDEX assessments_country_time ON assessments (tenant_id, country, created_at DESC, id DESC);
      CREATE INDEX assessments_reason_codes ON assessments USING gin (jsonb_path_query_array(reasons, '$[*].code') jsonb_path_ops);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS assessments_reason_codes, assessments_country_time, assessments_device_time, assessments_ip_time, assessments_decision_time;
      ALTER TABLE api_keys DROP COLUMN IF EXISTS replaced_by, DROP COLUMN IF EXISTS label;
      DROP TABLE IF EXISTS audit_log, admin_sessions;
      ALTER TABLE admins DROP COLUMN IF EXISTS totp_pending, DROP COLUMN IF EXISTS totp_last_step,
        DROP COLUMN IF EXISTS must_change_password, DROP COLUMN IF EXISTS last_login_at;
    `);
  }
}
