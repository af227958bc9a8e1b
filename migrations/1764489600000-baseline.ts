import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table that carries tenant_id (row-level security binds each); `tenants` is scoped by its id. */
export const TENANT_TABLES = [
  'api_keys',
  'admins',
  'accounts',
  'devices',
  'account_devices',
  'signal_bundles',
  'signal_bundles_default',
  'assessments',
  'assessments_default',
  'assessment_keys',
  'token_uses',
  'feedback',
  'list_entries',
  'admin_sessions',
  'audit_log',
  'webhook_endpoints',
  'webhook_deliveries',
  'device_links',
  'score_outbox',
];

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

/** The last of the unreleased migrations this baseline replaces: a database they built is adopted. */
const REPLACED_CHAIN_END = 'PartitionLookBack1764491100000';

// The schema: tables, partition parents, row-level security, the app role and its grants. The SQL
// functions are not here: each is a file in libs/database/sql, applied after the migrations when it
// changes (libs/database/src/sql-functions.ts). Every tenant-owned table carries tenant_id and
// every lookup index starts with it.
//
// Tenant isolation in depth (docs/security.md): the api and worker act as `kizuki_app`, a NOLOGIN
// role that owns nothing, so row-level security binds it; the policy is tenant_id = app.tenant_id,
// set per transaction by withTenant(). Migrations and the CLI run as the owner, which must bypass
// row-level security for the SECURITY DEFINER lookups (an API key by prefix, a console login).
//
// Time partitions: signal bundles by UTC day of received_at, assessments by UTC month of
// created_at; retention drops whole partitions. A partitioned table's unique keys hold its
// partition column, so one assessment per idempotency key is kept in assessment_keys, and
// feedback.assessment_id references nothing. A DEFAULT partition takes rows outside the partitions
// made (kizuki_partitions_run), so no write fails for want of one.
export class Baseline1764489600000 implements MigrationInterface {
  name = 'Baseline1764489600000';

  async up(q: QueryRunner): Promise<void> {
    const earlier: { name: string }[] = await q.query(`SELECT name FROM kizuki_migrations`);
    if (earlier.length) return adopt(q, earlier);
    const [owner] = await q.query(
      `SELECT current_user AS name, rolsuper AS super, rolsuper OR rolbypassrls AS bypass
         FROM pg_roles WHERE rolname = current_user`,
    );
    if (!owner.bypass) {
      throw new Error(
        `The migration role ${owner.name} must bypass row-level security for the key and login lookup functions: ` +
          `ALTER ROLE ${owner.name} BYPASSRLS (or run migrations as a superuser).`,
      );
    }
    // Roles are cluster-wide: several databases (tests) may create it at once.
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE kizuki_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
    `);
    // A non-superuser login must be a member to SET ROLE kizuki_app.
    if (!owner.super) await q.query(`GRANT kizuki_app TO CURRENT_USER`);
    await q.query(TABLES);
    await q.query(SQL_FUNCTIONS_TABLE);
    // lz4 for the large JSON values written on every collect and trusted login: measured, half the
    // CPU of pglz for 27 % more space. A server built without lz4 keeps pglz.
    await q.query(`
      DO $$ BEGIN
        ALTER TABLE signal_bundles ALTER COLUMN payload SET COMPRESSION lz4;
        ALTER TABLE accounts ALTER COLUMN typing_profile SET COMPRESSION lz4;
        ALTER TABLE accounts ALTER COLUMN pointer_profile SET COMPRESSION lz4;
        ALTER TABLE devices ALTER COLUMN components SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN RAISE NOTICE 'lz4 is not available: values stay pglz-compressed';
      END $$;
    `);
    await q.query(`
      CREATE TABLE signal_bundles_default PARTITION OF signal_bundles DEFAULT;
      CREATE TABLE assessments_default PARTITION OF assessments DEFAULT;
    `);
    await q.query(`
      ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON tenants USING (id = ${CURRENT_TENANT}) WITH CHECK (id = ${CURRENT_TENANT});
    `);
    for (const t of TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t}
          USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
    await q.query(`
      GRANT USAGE ON SCHEMA public TO kizuki_app;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kizuki_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kizuki_app;
      REVOKE ALL ON kizuki_migrations, kizuki_sql_functions FROM kizuki_app;
      REVOKE INSERT, UPDATE, DELETE ON tor_exit_nodes FROM kizuki_app;
    `);
  }

  async down(): Promise<void> {
    throw new Error('The baseline cannot be reverted: drop the database instead');
  }
}

/**
 * A development database built by the migrations this baseline replaces already has its schema
 * (pg_dump --schema-only compared equal): it takes the function table and forgets their names. The
 * functions are then applied from their files like on any database.
 */
async function adopt(q: QueryRunner, earlier: { name: string }[]): Promise<void> {
  if (!earlier.some((m) => m.name === REPLACED_CHAIN_END)) {
    throw new Error(
      `This database holds migrations older than the baseline (${earlier.map((m) => m.name).join(', ')}) ` +
        `but not ${REPLACED_CHAIN_END}: drop it and migrate again (npm start: delete its state directory).`,
    );
  }
  await q.query(SQL_FUNCTIONS_TABLE);
  await q.query(`REVOKE ALL ON kizuki_sql_functions FROM kizuki_app`);
  await q.query(`DELETE FROM kizuki_migrations`);
}

// the SQL function files applied (libs/database/sql), by checksum
const SQL_FUNCTIONS_TABLE = `
  CREATE TABLE kizuki_sql_functions (
    name text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
`;

const TABLES = `
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
    last_used_at timestamptz,
    -- key rotation: the key that replaced this one during the overlap
    replaced_by uuid,
    label text
  );
  CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
  CREATE TABLE admins (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
    password_hash text NOT NULL,
    -- TOTP seeds, sealed with libs/crypto sealSecret (the api seals any stored in clear at start)
    totp_secret text,
    created_at timestamptz NOT NULL DEFAULT now(),
    totp_pending text,
    totp_last_step bigint,
    must_change_password boolean NOT NULL DEFAULT false,
    last_login_at timestamptz,
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
    -- the IPv4 /24 or IPv6 /48 of trusted logins (libs/scoring networkPrefix), at most 20, most recent last
    networks text[] NOT NULL DEFAULT '{}',
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
  -- keyed (id, received_at): the api assigns both once, and every retry of an ingest job carries them
  CREATE TABLE signal_bundles (
    id uuid NOT NULL,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    received_at timestamptz NOT NULL,
    ip inet,
    user_agent text,
    origin text,
    payload jsonb NOT NULL,
    PRIMARY KEY (id, received_at)
  ) PARTITION BY RANGE (received_at);
  CREATE INDEX signal_bundles_tenant_time ON signal_bundles (tenant_id, received_at);
  CREATE TABLE assessments (
    id uuid NOT NULL,
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
    -- the login's browser language: a later 'legit' label teaches it to the account
    language text,
    PRIMARY KEY (id, created_at)
  ) PARTITION BY RANGE (created_at);
  -- the console's keyset-paginated filters: each starts with tenant_id and ends with created_at, id
  CREATE INDEX assessments_tenant_time ON assessments (tenant_id, created_at DESC, id DESC);
  CREATE INDEX assessments_account_time ON assessments (tenant_id, account_id, created_at DESC);
  CREATE INDEX assessments_decision_time ON assessments (tenant_id, decision, created_at DESC, id DESC);
  CREATE INDEX assessments_ip_time ON assessments (tenant_id, ip, created_at DESC, id DESC);
  CREATE INDEX assessments_device_time ON assessments (tenant_id, device_id, created_at DESC, id DESC);
  CREATE INDEX assessments_country_time ON assessments (tenant_id, country, created_at DESC, id DESC);
  CREATE INDEX assessments_reason_codes ON assessments
    USING gin (jsonb_path_query_array(reasons, '$[*].code') jsonb_path_ops);
  -- one assessment per idempotency key, kept while a login can be retried or redelivered (retention: 2 days)
  CREATE TABLE assessment_keys (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    assessment_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, idempotency_key)
  );
  CREATE INDEX assessment_keys_tenant_time ON assessment_keys (tenant_id, created_at);
  CREATE TABLE token_uses (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    token_id uuid NOT NULL,
    assessment_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, token_id)
  );
  -- assessment_id references nothing (assessments are unique by (id, created_at)): a label is written
  -- only after the UPDATE of its assessment found it; retention and erasure delete feedback with it
  CREATE TABLE feedback (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    assessment_id uuid NOT NULL,
    label text NOT NULL CHECK (label IN ('legit', 'fraud', 'challenge_passed', 'challenge_failed')),
    source text NOT NULL DEFAULT 'api',
    applied_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX feedback_assessment ON feedback (tenant_id, assessment_id);
  CREATE INDEX feedback_tenant_time ON feedback (tenant_id, created_at);
  CREATE TABLE list_entries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    list text NOT NULL CHECK (list IN ('allow', 'deny')),
    kind text NOT NULL CHECK (kind IN ('ip', 'cidr', 'device', 'user', 'asn', 'country')),
    -- ip and cidr values are canonical text (libs/scoring canonicalIp)
    value text NOT NULL,
    comment text,
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, list, kind, value)
  );
  -- console sessions, stored hashed and revocable
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
  -- reference data shared by all tenants, replaced whole by \`kizuki tor load FILE\`
  CREATE TABLE tor_exit_nodes (
    ip inet PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now()
  );
  -- secret_enc: sealed with a key derived from KIZUKI_SECRET; shown once at creation
  CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    url text NOT NULL,
    description text,
    events text[] NOT NULL,
    secret_enc text NOT NULL,
    secret_prefix text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id) WHERE enabled;
  -- one row per endpoint and event, written before its job is queued (the sweep re-queues 'pending' ones)
  CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event text NOT NULL,
    event_id text NOT NULL,
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'retrying', 'delivered', 'failed', 'refused')),
    attempts integer NOT NULL DEFAULT 0,
    last_status_code integer,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (endpoint_id, event_id)
  );
  CREATE INDEX webhook_deliveries_tenant_created ON webhook_deliveries (tenant_id, created_at DESC, id DESC);
  CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (updated_at) WHERE status = 'pending';
  -- single-use "was this you?" links: the row is the use-once record, the link a signed token
  CREATE TABLE device_links (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    account_id uuid NOT NULL,
    device_id uuid NOT NULL,
    assessment_id uuid NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_action text CHECK (used_action IN ('approve', 'report')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, assessment_id)
  );
  CREATE INDEX device_links_expiry ON device_links (expires_at);
  -- score jobs the api could not queue (Redis down): the relay moves them to Redis
  CREATE TABLE score_outbox (
    job_id text PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    data jsonb NOT NULL,
    priority integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz
  );
  CREATE INDEX score_outbox_created ON score_outbox (created_at);
`;
