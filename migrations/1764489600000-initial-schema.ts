import type { MigrationInterface, QueryRunner } from 'typeorm';

// The first schema. Every tenant-owned table carries tenant_id and every lookup index starts with
// it, so tenant-scoped queries never scan another tenant's rows.
export class InitialSchema1764489600000 implements MigrationInterface {
  name = 'InitialSchema1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        origins text[] NOT NULL DEFAULT '{}',
        policy jsonb NOT NULL DEFAULT '{}',
        retention jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('publishable', 'secret')),
        prefix text NOT NULL UNIQUE,
        hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      );
      CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
      CREATE TABLE admins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
        password_hash text NOT NULL,
        totp_secret text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, email)
      );
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        login_count integer NOT NULL DEFAULT 0,
        trusted_logins integer NOT NULL DEFAULT 0,
        typing_profile jsonb,
        pointer_profile jsonb,
        countries text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        last_login jsonb,
        UNIQUE (tenant_id, user_hash)
      );
      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        visitor_id text NOT NULL,
        storage_id text,
        components jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'fraud')),
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, visitor_id)
      );
      CREATE INDEX devices_storage ON devices (tenant_id, storage_id) WHERE storage_id IS NOT NULL;
      CREATE TABLE account_devices (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        device_id uuid NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'pending', 'trusted', 'fraud')),
        logins integer NOT NULL DEFAULT 0,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, device_id)
      );
      CREATE INDEX account_devices_device ON account_devices (tenant_id, device_id);
      CREATE TABLE signal_bundles (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        received_at timestamptz NOT NULL,
        ip inet,
        user_agent text,
        origin text,
        payload jsonb NOT NULL
      );
      CREATE INDEX signal_bundles_tenant_time ON signal_bundles (tenant_id, received_at);
      CREATE TABLE assessments (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        device_id uuid REFERENCES devices(id) ON DELETE SET NULL,
        bundle_id uuid,
        event text NOT NULL,
        status text NOT NULL CHECK (status IN ('attempted', 'succeeded', 'failed')),
        decision text NOT NULL CHECK (decision IN ('allow', 'challenge', 'deny')),
        policy_decision text NOT NULL CHECK (policy_decision IN ('allow', 'challenge', 'deny')),
        shadow boolean NOT NULL DEFAULT false,
        score smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
        scores jsonb NOT NULL,
        reasons jsonb NOT NULL,
        device_status text,
        ip inet,
        country text,
        asn integer,
        user_agent text,
        label text CHECK (label IN ('legit', 'fraud', 'challenge_passed', 'challenge_failed')),
        created_at timestamptz NOT NULL,
        UNIQUE (tenant_id, idempotency_key)
      );
      CREATE INDEX assessments_tenant_time ON assessments (tenant_id, created_at DESC, id DESC);
      CREATE INDEX assessments_account_time ON assessments (tenant_id, account_id, created_at DESC);
      CREATE TABLE token_uses (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        token_id uuid NOT NULL,
        assessment_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, token_id)
      );
      CREATE TABLE feedback (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        assessment_id uuid NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        label text NOT NULL CHECK (label IN ('legit', 'fraud', 'challenge_passed', 'challenge_failed')),
        source text NOT NULL DEFAULT 'api',
        applied_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX feedback_assessment ON feedback (tenant_id, assessment_id);
      CREATE TABLE list_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        list text NOT NULL CHECK (list IN ('allow', 'deny')),
        kind text NOT NULL CHECK (kind IN ('ip', 'cidr', 'device', 'user', 'asn', 'country')),
        value text NOT NULL,
        comment text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, list, kind, value)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS list_entries, feedback, token_uses, assessments, signal_bundles,
      account_devices, devices, accounts, admins, api_keys, tenants CASCADE`);
  }
}
