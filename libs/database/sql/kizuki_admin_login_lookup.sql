-- Console sign-in: the admins with an e-mail, across tenants (SECURITY DEFINER past row-level security),
-- returning only what the login check needs.
CREATE OR REPLACE FUNCTION kizuki_admin_login_lookup(p_email text)
RETURNS TABLE (
  id uuid,
  tenant_id uuid,
  email text,
  role text,
  password_hash text,
  totp_secret text,
  totp_pending text,
  totp_last_step text,
  must_change_password boolean
)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT id, tenant_id, email, role, password_hash, totp_secret, totp_pending, totp_last_step::text,
         must_change_password
    FROM admins WHERE email = lower(p_email) ORDER BY created_at LIMIT 5
$fn$;
REVOKE ALL ON FUNCTION kizuki_admin_login_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_admin_login_lookup(text) TO kizuki_app;
