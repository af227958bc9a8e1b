-- One row per UTC day of a tenant's rolled-up hours in [p_from, p_to) (console_hours, not the raw rows), in the
-- shape of console_hours: the counts and the decision, event, reason, country and ASN maps summed, every IP of its
-- hours' top lists ([ip, checks, non-allowed], summed: a cut would change the range's ranking), and the hours'
-- distinct-count sketches merged (hll_union_agg, or the register-wise maximum of Kizuki's own registers). The
-- roll-up stores closed days with it (console_days), so a day answers what its 24 hours answer. Invoker's rights.
CREATE OR REPLACE FUNCTION kizuki_console_days(p_tenant uuid, p_from timestamp with time zone,
  p_to timestamp with time zone)
RETURNS TABLE(day timestamp with time zone, total integer, allow integer, challenge integer, deny integer,
  failed integer, events jsonb, reasons jsonb, countries jsonb, asns jsonb, top_ips jsonb, users bytea, ips bytea)
LANGUAGE plpgsql
STABLE
SET search_path TO 'pg_catalog', 'public'
SET jit TO off
AS $fn$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH h AS MATERIALIZED (
      SELECT date_trunc('day', hour, 'UTC') AS d, * FROM console_hours
       WHERE tenant_id = $1 AND hour >= $2 AND hour < $3),
    c AS (SELECT d, sum(total)::int AS total, sum(allow)::int AS allow, sum(challenge)::int AS challenge,
                 sum(deny)::int AS deny, sum(failed)::int AS failed FROM h GROUP BY d),
    ev AS (SELECT d, jsonb_object_agg(k, n) AS m
             FROM (SELECT d, e.key AS k, sum(e.value::int)::int AS n FROM h, jsonb_each_text(h.events) e
                    GROUP BY 1, 2) x GROUP BY d),
    re AS (SELECT d, jsonb_object_agg(k, n) AS m
             FROM (SELECT d, e.key AS k, sum(e.value::int)::int AS n FROM h, jsonb_each_text(h.reasons) e
                    GROUP BY 1, 2) x GROUP BY d),
    co AS (SELECT d, jsonb_object_agg(k, jsonb_build_array(n, f)) AS m
             FROM (SELECT d, e.key AS k, sum((e.value->>0)::int)::int AS n, sum((e.value->>1)::int)::int AS f
                     FROM h, jsonb_each(h.countries) e GROUP BY 1, 2) x GROUP BY d),
    an AS (SELECT d, jsonb_object_agg(k, jsonb_build_array(n, f)) AS m
             FROM (SELECT d, e.key AS k, sum((e.value->>0)::int)::int AS n, sum((e.value->>1)::int)::int AS f
                     FROM h, jsonb_each(h.asns) e GROUP BY 1, 2) x GROUP BY d),
    ti AS (SELECT d, jsonb_agg(jsonb_build_array(ip, n, f) ORDER BY f DESC, n DESC, ip) AS m
             FROM (SELECT d, e->>0 AS ip, sum((e->>1)::int)::int AS n, sum((e->>2)::int)::int AS f
                     FROM h, jsonb_array_elements(h.top_ips) e GROUP BY 1, 2) x GROUP BY d),
    sk AS (%s)
    SELECT c.d, c.total, c.allow, c.challenge, c.deny, c.failed, coalesce(ev.m, '{}'), coalesce(re.m, '{}'),
           coalesce(co.m, '{}'), coalesce(an.m, '{}'), coalesce(ti.m, '[]'), sk.users, sk.ips
      FROM c LEFT JOIN ev USING (d) LEFT JOIN re USING (d) LEFT JOIN co USING (d) LEFT JOIN an USING (d)
      LEFT JOIN ti USING (d) LEFT JOIN sk USING (d) ORDER BY c.d
  $q$, CASE kizuki_console_sketch_kind()
    WHEN 'hll' THEN
      $s$SELECT d, decode(substr(hll_union_agg(users::hll)::text, 3), 'hex') AS users,
                   decode(substr(hll_union_agg(ips::hll)::text, 3), 'hex') AS ips
           FROM h GROUP BY d$s$
    ELSE
      -- the register-wise maximum over the day's hours (zero registers are kizuki_hll_pack's default)
      $s$SELECT d, kizuki_hll_pack(array_agg(i) FILTER (WHERE u > 0), array_agg(u) FILTER (WHERE u > 0)) AS users,
                   kizuki_hll_pack(array_agg(i) FILTER (WHERE p > 0), array_agg(p) FILTER (WHERE p > 0)) AS ips
           FROM (SELECT d, i, max(get_byte(users, i)) AS u, max(get_byte(ips, i)) AS p
                   FROM h, generate_series(0, 2047) i GROUP BY 1, 2) r
          GROUP BY d$s$
  END) USING p_tenant, p_from, p_to;
END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_console_days(uuid, timestamp with time zone, timestamp with time zone)
  TO kizuki_app;
