-- Each tenant's time not rolled up yet, as of p_now: from its watermark (or, never rolled up, the hour of its
-- oldest assessment: the backfill) to the 10-minute window that ended p_grace ago (a login's row carries its
-- transaction's start time, so a window is closed a little after it ends). SECURITY DEFINER: the roll-up job
-- visits every tenant; it returns only ids and times.
CREATE OR REPLACE FUNCTION kizuki_console_rollup_pending(p_now timestamp with time zone, p_grace interval)
RETURNS TABLE(tenant_id uuid, from_hour timestamp with time zone, to_hour timestamp with time zone)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT t.id, f.from_hour, e.to_hour
    FROM tenants t
    LEFT JOIN console_rollup_state s ON s.tenant_id = t.id
    CROSS JOIN LATERAL (
      SELECT coalesce(s.rolled_until,
                      (SELECT date_trunc('hour', min(a.created_at), 'UTC') FROM assessments a WHERE a.tenant_id = t.id))
        AS from_hour) f
    CROSS JOIN LATERAL (SELECT to_timestamp(floor(extract(epoch FROM p_now - p_grace) / 600) * 600) AS to_hour) e
   WHERE f.from_hour < e.to_hour
   ORDER BY t.id
$fn$;
REVOKE ALL ON FUNCTION kizuki_console_rollup_pending(timestamp with time zone, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_console_rollup_pending(timestamp with time zone, interval) TO kizuki_app;
