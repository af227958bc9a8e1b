-- TOTP seeds still stored in clear, across tenants (SECURITY DEFINER): the api seals them when it starts
-- (a migration has no master secret). Returns only those rows' ids and clear values.
CREATE OR REPLACE FUNCTION kizuki_admin_totp_unsealed(p_limit integer)
RETURNS TABLE(id uuid, tenant_id uuid, totp_secret text, totp_pending text)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT id, tenant_id,
         CASE WHEN totp_secret LIKE 'v1.%' THEN NULL ELSE totp_secret END,
         CASE WHEN totp_pending LIKE 'v1.%' THEN NULL ELSE totp_pending END
    FROM admins
   WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1.%')
      OR (totp_pending IS NOT NULL AND totp_pending NOT LIKE 'v1.%')
   ORDER BY id LIMIT p_limit
$fn$;
REVOKE ALL ON FUNCTION kizuki_admin_totp_unsealed(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_admin_totp_unsealed(integer) TO kizuki_app;
