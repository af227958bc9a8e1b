-- The IP summary snapshots to rebuild for a period ending p_to: each tenant's range (p_ranges) without one, or
-- whose period ended p_every (the range's rebuild interval, same position) or more before p_to; the ranges in
-- the order given (the shortest first: the cheapest, the most looked at), then the stalest first. SECURITY
-- DEFINER: the IP summary job visits every tenant; it returns only ids and names.
CREATE OR REPLACE FUNCTION kizuki_ip_summary_pending(p_to timestamp with time zone, p_ranges text[],
  p_every interval[])
RETURNS TABLE(tenant_id uuid, range text)
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT t.id, r.range
    FROM tenants t
    CROSS JOIN unnest(p_ranges, p_every) WITH ORDINALITY r(range, every, pos)
    LEFT JOIN ip_summaries s ON s.tenant_id = t.id AND s.range = r.range
   WHERE s.period_to IS NULL OR s.period_to <= p_to - r.every
   ORDER BY r.pos, s.period_to NULLS FIRST, t.id
$fn$;
REVOKE ALL ON FUNCTION kizuki_ip_summary_pending(timestamp with time zone, text[], interval[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_ip_summary_pending(timestamp with time zone, text[], interval[]) TO kizuki_app;
