-- Rolls up a tenant's assessments from the UTC hour of p_from to p_to (floored to its 10-minute window) into
-- console_hours and console_bursts, replacing what was there: the last hour may be partial (the hour under way),
-- and is rolled up again whole by the next call. Moves the tenant's watermark to that end when the range starts at
-- or before it (the roll-up stays contiguous). The worker's roll-up job calls it every minute for what is pending
-- (kizuki_console_rollup_pending), a day at a time, which also backfills a deployment's history. SECURITY
-- DEFINER: console_rollup_state and the roll-up rows are written by the owner only.
CREATE OR REPLACE FUNCTION kizuki_console_rollup(p_tenant uuid, p_from timestamp with time zone,
  p_to timestamp with time zone)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
DECLARE
  v_from timestamptz := date_trunc('hour', p_from, 'UTC');
  v_to timestamptz := to_timestamp(floor(extract(epoch FROM p_to) / 600) * 600);
  v_hours integer;
BEGIN
  IF v_to <= v_from THEN RETURN 0; END IF;
  DELETE FROM console_hours WHERE tenant_id = p_tenant AND hour >= v_from AND hour < v_to;
  DELETE FROM console_bursts WHERE tenant_id = p_tenant AND window_start >= v_from AND window_start < v_to;
  INSERT INTO console_hours (tenant_id, hour, total, allow, challenge, deny, failed, events, reasons, countries,
                             asns, top_ips, users, ips)
  SELECT p_tenant, h.* FROM kizuki_console_hours(p_tenant, v_from, v_to) h;
  GET DIAGNOSTICS v_hours = ROW_COUNT;
  INSERT INTO console_bursts (tenant_id, window_start, n, bad, users, ips)
  SELECT p_tenant, b.* FROM kizuki_console_bursts(p_tenant, v_from, v_to) b;
  INSERT INTO console_rollup_state AS s (tenant_id, rolled_until) VALUES (p_tenant, v_to)
  ON CONFLICT (tenant_id) DO UPDATE SET rolled_until = EXCLUDED.rolled_until
   WHERE v_from <= s.rolled_until AND s.rolled_until < EXCLUDED.rolled_until;
  RETURN v_hours;
END
$fn$;
REVOKE ALL ON FUNCTION kizuki_console_rollup(uuid, timestamp with time zone, timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_console_rollup(uuid, timestamp with time zone, timestamp with time zone)
  TO kizuki_app;
