-- A live console session by its token hash, across tenants (SECURITY DEFINER), with its admin and tenant.
CREATE OR REPLACE FUNCTION kizuki_admin_session_lookup(p_token_hash text, p_idle_ms double precision)
RETURNS TABLE (
  session_id uuid,
  tenant_id uuid,
  tenant_name text,
  admin_id uuid,
  email text,
  role text,
  totp_enabled boolean,
  must_change_password boolean,
  created_at timestamp with time zone,
  last_seen_at timestamp with time zone,
  expires_at timestamp with time zone
)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT s.id, s.tenant_id, t.name, a.id, a.email, a.role, a.totp_secret IS NOT NULL, a.must_change_password,
         s.created_at, s.last_seen_at, s.expires_at
    FROM admin_sessions s
    JOIN admins a ON a.id = s.admin_id AND a.tenant_id = s.tenant_id
    JOIN tenants t ON t.id = s.tenant_id
   WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval(secs => p_idle_ms / 1000)
$fn$;
REVOKE ALL ON FUNCTION kizuki_admin_session_lookup(text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_admin_session_lookup(text, double precision) TO kizuki_app;
