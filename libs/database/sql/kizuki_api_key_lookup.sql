-- An API key by its prefix, across tenants (SECURITY DEFINER), with its tenant's origins, app ids and policy.
CREATE OR REPLACE FUNCTION kizuki_api_key_lookup(p_prefix text)
RETURNS TABLE (
  id uuid,
  tenant_id uuid,
  kind text,
  hash text,
  origins text[],
  app_ids text[],
  policy jsonb,
  expires_at timestamp with time zone
)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT k.id, k.tenant_id, k.kind, k.hash, t.origins, t.app_ids, t.policy, k.expires_at
    FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
   WHERE k.prefix = p_prefix AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
$fn$;
REVOKE ALL ON FUNCTION kizuki_api_key_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_api_key_lookup(text) TO kizuki_app;
