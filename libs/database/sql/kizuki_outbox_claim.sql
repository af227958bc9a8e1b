-- The score outbox relay: claims up to p_limit jobs across tenants for a lease (SECURITY DEFINER);
-- another relay skips the claimed rows.
CREATE OR REPLACE FUNCTION kizuki_outbox_claim(p_limit integer, p_lease_seconds integer)
RETURNS TABLE(job_id text, name text, data jsonb, priority integer)
LANGUAGE sql
SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  UPDATE score_outbox o SET claimed_until = now() + make_interval(secs => least(greatest(p_lease_seconds, 1), 600))
   WHERE o.job_id IN (SELECT i.job_id FROM score_outbox i WHERE i.claimed_until IS NULL OR i.claimed_until < now()
                       ORDER BY i.created_at LIMIT least(greatest(p_limit, 1), 1000) FOR UPDATE SKIP LOCKED)
  RETURNING o.job_id, o.name, o.data, o.priority
$fn$;
REVOKE ALL ON FUNCTION kizuki_outbox_claim(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_outbox_claim(integer, integer) TO kizuki_app;
