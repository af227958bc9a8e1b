-- Replaces a tenant's IP summary snapshot of one range ('24h', '7d', '30d') with the one of [p_to - range, p_to)
-- (kizuki_ip_summary_scan, the top p_limit of each sort): ip_summaries says the period, how many assessments it
-- aggregated and the oldest (retention), ip_summary_rows holds the IPs. Readers see the old snapshot or the new
-- one, never a mix (one transaction). Returns the IPs stored, or -1 when another build of the same snapshot holds
-- its lock or a snapshot as recent already exists (two workers, or a job that outlasted its interval). The worker's
-- IP summary job calls it (IpSummaryJob). SECURITY DEFINER: the snapshot tables are written by the owner only.
CREATE OR REPLACE FUNCTION kizuki_ip_summary_build(p_tenant uuid, p_range text, p_to timestamp with time zone,
  p_limit integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
DECLARE
  v_from timestamptz := p_to - CASE p_range WHEN '24h' THEN interval '24 hours' WHEN '7d' THEN interval '7 days'
                                            WHEN '30d' THEN interval '30 days' END;
  v_started timestamptz := clock_timestamp();
  v_ips integer;
BEGIN
  IF v_from IS NULL THEN RAISE EXCEPTION 'unknown IP summary range %', p_range USING ERRCODE = '22023'; END IF;
  IF NOT pg_try_advisory_xact_lock(hashtext('kizuki_ip_summary_build'), hashtext(p_tenant::text || p_range)) THEN
    RETURN -1;
  END IF;
  IF EXISTS (SELECT 1 FROM ip_summaries s WHERE s.tenant_id = p_tenant AND s.range = p_range AND s.period_to >= p_to)
  THEN
    RETURN -1;
  END IF;
  DELETE FROM ip_summary_rows r WHERE r.tenant_id = p_tenant AND r.range = p_range;
  -- the rows' foreign key is checked at the end of the statement, after the snapshot's row is written
  WITH s AS MATERIALIZED (SELECT * FROM kizuki_ip_summary_scan(p_tenant, v_from, p_to, p_limit)),
  h AS (
    INSERT INTO ip_summaries AS x (tenant_id, range, period_from, period_to, assessments, oldest, built_at, build_ms)
    SELECT p_tenant, p_range, v_from, p_to, coalesce(max(s.assessments), 0), min(s.oldest), now(),
           (extract(epoch FROM clock_timestamp() - v_started) * 1000)::int
      FROM s
    ON CONFLICT (tenant_id, range) DO UPDATE
      SET period_from = EXCLUDED.period_from, period_to = EXCLUDED.period_to, assessments = EXCLUDED.assessments,
          oldest = EXCLUDED.oldest, built_at = EXCLUDED.built_at, build_ms = EXCLUDED.build_ms)
  INSERT INTO ip_summary_rows (tenant_id, range, ip, checks, users, failures, flagged, denied, countries, asn,
                               datacenter, tor, foreign_ip, last_seen, rank_checks, rank_users, rank_failures,
                               rank_flagged, rank_last)
  SELECT p_tenant, p_range, s.ip, s.checks, s.users, s.failures, s.flagged, s.denied, s.countries, s.asn,
         s.datacenter, s.tor, s.foreign_ip, s.last_seen, s.rank_checks, s.rank_users, s.rank_failures, s.rank_flagged,
         s.rank_last
    FROM s;
  GET DIAGNOSTICS v_ips = ROW_COUNT;
  RETURN v_ips;
END
$fn$;
REVOKE ALL ON FUNCTION kizuki_ip_summary_build(uuid, text, timestamp with time zone, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_ip_summary_build(uuid, text, timestamp with time zone, integer) TO kizuki_app;
