import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table that carries tenant_id; `tenants` itself is scoped by its id. */
export const TENANT_TABLES = [
  'api_keys',
  'admins',
  'accounts',
  'devices',
  'account_devices',
  'signal_bundles',
  'assessments',
  'token_uses',
  'feedback',
  'list_entries',
  'admin_sessions',
  'audit_log',
];

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

// Tenant isolation in depth (docs/security.md): PostgreSQL row-level security on every
// tenant-owned table, in addition to the tenant-scoped repositories.
//
// - The api and worker act as `kizuki_app` (DATABASE_APP_ROLE; they switch to it at connect time),
//   a NOLOGIN role that owns nothing, so RLS binds it. Migrations and the CLI run as the owner.
// - The policy is `tenant_id = app.tenant_id`, set per transaction by withTenant(); with no tenant
//   set, no row is visible and no row can be written.
// - The lookups that must cross tenants by design are SECURITY DEFINER functions returning only
//   what the entry point needs: an API key by its prefix, an admin by e-mail (console login), a
//   console session by its token hash, the tenants' retention settings (retention job).
//   They run as the owner, which must bypass RLS (superuser or BYPASSRLS): checked below.
export class RowLevelSecurity1764489900000 implements MigrationInterface {
  name = 'RowLevelSecurity1764489900000';

  async up(q: QueryRunner): Promise<void> {
    const [owner] = await q.query(`SELECT current_user AS name, rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user`);
    if (!owner.bypass) {
      throw new Error(
        `The migration role ${owner.name} must bypass row-level security for the key and login lookup functions: ALTER ROLE ${owner.name} BYPASSRLS (or run migrations as a superuser).`,
      );
    }
    // Roles are cluster-wide: several databases (tests) may create it at once.
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE kizuki_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
    `);
    if (!(await q.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`))[0].rolsuper) {
      // A non-superuser login must be a member to SET ROLE kizuki_app.
      await q.query(`GRANT kizuki_app TO CURRENT_USER`);
    }
    await q.query(`
      GRANT USAGE ON SCHEMA public TO kizuki_app;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kizuki_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kizuki_app;
      REVOKE ALL ON kizuki_migrations FROM kizuki_app;
      REVOKE INSERT, UPDATE, DELETE ON tor_exit_nodes FROM kizuki_app;

      ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
      ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON tenants USING (id = ${CURRENT_TENANT}) WITH CHECK (id = ${CURRENT_TENANT});
    `);
    for (const t of TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
    await q.query(`
      CREATE FUNCTION kizuki_api_key_lookup(p_prefix text)
        RETURNS TABLE (id uuid, tenant_id uuid, kind text, hash text, origins text[], policy jsonb, expires_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT k.id, k.tenant_id, k.kind, k.hash, t.origins, t.policy, k.expires_at
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
           WHERE k.prefix = p_prefix AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
      $$;
      CREATE FUNCTION kizuki_admin_login_lookup(p_email text)
        RETURNS TABLE (id uuid, tenant_id uuid, email text, role text, password_hash text, totp_secret text, totp_pending text,
                       totp_last_step text, must_change_password boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT id, tenant_id, email, role, password_hash, totp_secret, totp_pending, totp_last_step::text, must_change_password
            FROM admins WHERE email = lower(p_email) ORDER BY created_at LIMIT 5
      $$;
      CREATE FUNCTION kizuki_admin_session_lookup(p_token_hash text, p_idle_ms double precision)
        RETURNS TABLE (session_id uuid, tenant_id uuid, tenant_name text, admin_id uuid, email text, role text, totp_enabled boolean,
                       must_change_password boolean, created_at timestamptz, last_seen_at timestamptz, expires_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT s.id, s.tenant_id, t.name, a.id, a.email, a.role, a.totp_secret IS NOT NULL, a.must_change_password,
                 s.created_at, s.last_seen_at, s.expires_at
            FROM admin_sessions s JOIN admins a ON a.id = s.admin_id AND a.tenant_id = s.tenant_id JOIN tenants t ON t.id = s.tenant_id
           WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(secs => p_idle_ms / 1000)
      $$;
      CREATE FUNCTION kizuki_tenant_retention()
        RETURNS TABLE (id uuid, retention jsonb)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT id, retention FROM tenants ORDER BY id
      $$;
      REVOKE ALL ON FUNCTION kizuki_api_key_lookup(text), kizuki_admin_login_lookup(text),
        kizuki_admin_session_lookup(text, double precision), kizuki_tenant_retention() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION kizuki_api_key_lookup(text), kizuki_admin_login_lookup(text),
        kizuki_admin_session_lookup(text, double precision), kizuki_tenant_retention() TO kizuki_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS kizuki_api_key_lookup(text), kizuki_admin_login_lookup(text),
        kizuki_admin_session_lookup(text, double precision), kizuki_tenant_retention();
      DROP POLICY IF EXISTS tenant_isolation ON tenants;
      ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
      ALTER TABLE tenants DISABLE ROW LEVEL SECURITY;
    `);
    for (const t of TENANT_TABLES) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${t}; ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY; ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`);
    }
    await q.query(`
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM kizuki_app;
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM kizuki_app;
      REVOKE USAGE ON SCHEMA public FROM kizuki_app;
    `);
  }
}
