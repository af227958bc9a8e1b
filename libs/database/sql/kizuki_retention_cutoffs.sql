-- The one place retention periods are read: each tenant's cutoffs as of p_now (retention.signalBundlesDays,
-- default 30; retention.assessmentsDays, default 180). Only the tenants that keep longest have theirs rounded
-- down to their partition (a UTC day, a UTC month): their rows leave with the partition, dropped whole. Every
-- other tenant's rows are deleted one by one anyway, at their exact period. SECURITY DEFINER: the retention
-- job visits every tenant; it returns only ids and times.
CREATE OR REPLACE FUNCTION kizuki_retention_cutoffs(p_now timestamp with time zone)
RETURNS TABLE(tenant_id uuid, bundles_before timestamp with time zone, assessments_before timestamp with time zone)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  WITH c AS (
    SELECT t.id,
           p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'signalBundlesDays', 30)) AS b,
           p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'assessmentsDays', 180)) AS a
      FROM tenants t)
  SELECT id,
         CASE WHEN date_trunc('day', b, 'UTC') = min(date_trunc('day', b, 'UTC')) OVER ()
              THEN date_trunc('day', b, 'UTC') ELSE b END,
         CASE WHEN date_trunc('month', a, 'UTC') = min(date_trunc('month', a, 'UTC')) OVER ()
              THEN date_trunc('month', a, 'UTC') ELSE a END
    FROM c ORDER BY id
$fn$;
REVOKE ALL ON FUNCTION kizuki_retention_cutoffs(timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_retention_cutoffs(timestamp with time zone) TO kizuki_app;
