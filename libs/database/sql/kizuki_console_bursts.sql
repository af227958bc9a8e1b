-- The 10-minute windows of a tenant's assessments in [p_from, p_to), from the raw rows: logins, failed or
-- non-allowed ones, exact distinct users and IPs. The roll-up stores the closed hours' windows (console_bursts);
-- the console reads the open part of its range with this, so both agree by construction.
CREATE OR REPLACE FUNCTION kizuki_console_bursts(p_tenant uuid, p_from timestamp with time zone,
  p_to timestamp with time zone)
RETURNS TABLE(window_start timestamp with time zone, n integer, bad integer, users integer, ips integer)
LANGUAGE sql
STABLE
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT to_timestamp(floor(extract(epoch FROM a.created_at) / 600) * 600), count(*)::int,
         count(*) FILTER (WHERE a.status = 'failed' OR a.decision <> 'allow')::int,
         count(DISTINCT a.account_id)::int, count(DISTINCT a.ip)::int
    FROM assessments a
   WHERE a.tenant_id = p_tenant AND a.created_at >= p_from AND a.created_at < p_to
   GROUP BY 1
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_console_bursts(uuid, timestamp with time zone, timestamp with time zone)
  TO kizuki_app;
