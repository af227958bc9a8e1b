-- Rolls up a tenant's assessments from the UTC hour of p_from to p_to (floored to its 10-minute window) into
-- console_hours and console_bursts, replacing what was there: the last hour may be partial (the hour under way),
-- and is rolled up again whole by the next call. Moves the tenant's watermark to that end when the range starts at
-- or before it (the roll-up stays contiguous). Then the UTC days the watermark has passed and console_days lacks
-- (from days_until, or the first rolled-up hour) are merged from their hours (kizuki_console_days): all of them when
-- this call's hours reach back to the first, else at most a week per call (a statement stays short when a
-- deployment's history gets its days: the console reads a day's hours until it has its row); days whose hours this
-- call rewrote are merged again. The worker's roll-up job calls it every minute for what is pending
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
  v_state console_rollup_state;
  v_days_from timestamptz;
  v_days_to timestamptz;
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
  -- the daily roll-up: whole UTC days before the watermark, contiguous like the hours
  SELECT * INTO v_state FROM console_rollup_state WHERE tenant_id = p_tenant;
  IF v_from < v_state.days_until THEN
    -- the days of the hours rewritten here, already merged: merged again
    v_days_from := date_trunc('day', v_from, 'UTC');
    v_days_to := least(v_state.days_until, date_trunc('day', v_to - interval '1 microsecond', 'UTC') + interval '24 hours');
    DELETE FROM console_days WHERE tenant_id = p_tenant AND day >= v_days_from AND day < v_days_to;
    INSERT INTO console_days (tenant_id, day, total, allow, challenge, deny, failed, events, reasons, countries,
                              asns, top_ips, users, ips)
    SELECT p_tenant, d.* FROM kizuki_console_days(p_tenant, v_days_from, v_days_to) d;
  END IF;
  v_days_from := coalesce(v_state.days_until,
                          (SELECT date_trunc('day', min(hour), 'UTC') FROM console_hours WHERE tenant_id = p_tenant));
  v_days_to := date_trunc('day', v_state.rolled_until, 'UTC');
  -- older days than this call's hours: a week per call
  IF v_from > v_days_from THEN v_days_to := least(v_days_to, v_days_from + interval '168 hours'); END IF;
  IF v_days_from < v_days_to THEN
    DELETE FROM console_days WHERE tenant_id = p_tenant AND day >= v_days_from AND day < v_days_to;
    INSERT INTO console_days (tenant_id, day, total, allow, challenge, deny, failed, events, reasons, countries,
                              asns, top_ips, users, ips)
    SELECT p_tenant, d.* FROM kizuki_console_days(p_tenant, v_days_from, v_days_to) d;
    UPDATE console_rollup_state SET days_until = v_days_to WHERE tenant_id = p_tenant;
  END IF;
  RETURN v_hours;
END
$fn$;
REVOKE ALL ON FUNCTION kizuki_console_rollup(uuid, timestamp with time zone, timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_console_rollup(uuid, timestamp with time zone, timestamp with time zone)
  TO kizuki_app;
