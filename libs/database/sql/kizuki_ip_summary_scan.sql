-- The console's IP summary of a tenant's assessments in [p_from, p_to), from the raw rows: per IP its checks,
-- distinct users (accounts), failed logins, non-allowed (flagged) and denied logins, countries, ASN, whether any
-- login carried DATACENTER_IP / TOR_EXIT / FOREIGN_IP_AND_LANGUAGE, and its last login; only the IPs in the top
-- p_limit of at least one of the console's sorts (checks, users, failures, flagged, last seen; ties by IP, flagged's
-- by checks first: its first ranks are the dashboard's top IPs), with their rank in each (null: not in that sort's
-- top). Every row also carries the period's totals: the assessments aggregated (with an IP) and the oldest of them.
-- The api reads a small period with it live; the worker stores a busy tenant's with it (kizuki_ip_summary_build), so
-- both agree by construction. Invoker's rights (row-level security).
-- The five top lists are top-N sorts of the per-IP rows, not window ranks over all of them (millions of IPs when
-- most are seen once); countries are read only for the IPs returned, through assessments_ip_time. No parallel
-- workers (the api's live reads are small; the worker's builds run beside logins on the same cores) and no JIT
-- (its compile costs seconds where a small period takes milliseconds).
CREATE OR REPLACE FUNCTION kizuki_ip_summary_scan(p_tenant uuid, p_from timestamp with time zone,
  p_to timestamp with time zone, p_limit integer)
RETURNS TABLE(ip inet, checks integer, users integer, failures integer, flagged integer, denied integer,
  countries text[], asn integer, datacenter boolean, tor boolean, foreign_ip boolean, last_seen timestamp with time zone,
  rank_checks integer, rank_users integer, rank_failures integer, rank_flagged integer, rank_last integer,
  assessments bigint, oldest timestamp with time zone)
LANGUAGE sql
STABLE
SET search_path TO 'pg_catalog', 'public'
SET jit TO off
SET max_parallel_workers_per_gather TO 0
AS $fn$
  WITH per_ip AS MATERIALIZED (
    SELECT a.ip, count(*)::int AS checks, count(DISTINCT a.account_id)::int AS users,
           count(*) FILTER (WHERE a.status = 'failed')::int AS failures,
           count(*) FILTER (WHERE a.decision <> 'allow')::int AS flagged,
           count(*) FILTER (WHERE a.decision = 'deny')::int AS denied, max(a.asn) AS asn,
           bool_or(a.reasons @> '[{"code":"DATACENTER_IP"}]') AS datacenter,
           bool_or(a.reasons @> '[{"code":"TOR_EXIT"}]') AS tor,
           bool_or(a.reasons @> '[{"code":"FOREIGN_IP_AND_LANGUAGE"}]') AS foreign_ip,
           max(a.created_at) AS last_seen, min(a.created_at) AS first_seen
      FROM assessments a
     WHERE a.tenant_id = p_tenant AND a.created_at >= p_from AND a.created_at < p_to AND a.ip IS NOT NULL
     GROUP BY a.ip),
  top AS (
    SELECT x.*, 'checks' AS sort, row_number() OVER (ORDER BY x.checks DESC, x.ip) AS r
      FROM (SELECT * FROM per_ip p ORDER BY p.checks DESC, p.ip LIMIT p_limit) x
    UNION ALL
    SELECT x.*, 'users', row_number() OVER (ORDER BY x.users DESC, x.ip)
      FROM (SELECT * FROM per_ip p ORDER BY p.users DESC, p.ip LIMIT p_limit) x
    UNION ALL
    SELECT x.*, 'failures', row_number() OVER (ORDER BY x.failures DESC, x.ip)
      FROM (SELECT * FROM per_ip p ORDER BY p.failures DESC, p.ip LIMIT p_limit) x
    UNION ALL
    SELECT x.*, 'flagged', row_number() OVER (ORDER BY x.flagged DESC, x.checks DESC, x.ip)
      FROM (SELECT * FROM per_ip p ORDER BY p.flagged DESC, p.checks DESC, p.ip LIMIT p_limit) x
    UNION ALL
    SELECT x.*, 'last', row_number() OVER (ORDER BY x.last_seen DESC, x.ip)
      FROM (SELECT * FROM per_ip p ORDER BY p.last_seen DESC, p.ip LIMIT p_limit) x),
  totals AS (SELECT coalesce(sum(p.checks), 0)::bigint AS assessments, min(p.first_seen) AS oldest FROM per_ip p),
  ranked AS (
    SELECT t.ip, min(t.checks) AS checks, min(t.users) AS users, min(t.failures) AS failures,
           min(t.flagged) AS flagged, min(t.denied) AS denied, min(t.asn) AS asn, bool_or(t.datacenter) AS datacenter,
           bool_or(t.tor) AS tor, bool_or(t.foreign_ip) AS foreign_ip, min(t.last_seen) AS last_seen,
           min(t.r) FILTER (WHERE t.sort = 'checks')::int AS rank_checks,
           min(t.r) FILTER (WHERE t.sort = 'users')::int AS rank_users,
           min(t.r) FILTER (WHERE t.sort = 'failures')::int AS rank_failures,
           min(t.r) FILTER (WHERE t.sort = 'flagged')::int AS rank_flagged,
           min(t.r) FILTER (WHERE t.sort = 'last')::int AS rank_last
      FROM top t GROUP BY t.ip)
  SELECT r.ip, r.checks, r.users, r.failures, r.flagged, r.denied,
         ARRAY(SELECT DISTINCT c.country FROM assessments c
                WHERE c.tenant_id = p_tenant AND c.ip = r.ip AND c.created_at >= p_from AND c.created_at < p_to
                  AND c.country IS NOT NULL ORDER BY 1),
         r.asn, r.datacenter, r.tor, r.foreign_ip, r.last_seen, r.rank_checks, r.rank_users, r.rank_failures,
         r.rank_flagged, r.rank_last, totals.assessments, totals.oldest
    FROM ranked r, totals
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_ip_summary_scan(uuid, timestamp with time zone, timestamp with time zone, integer)
  TO kizuki_app;
