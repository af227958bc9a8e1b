-- Removes the outbox rows of jobs the relay has queued.
CREATE OR REPLACE FUNCTION kizuki_outbox_done(p_job_ids text[])
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  WITH d AS (DELETE FROM score_outbox WHERE job_id = ANY(p_job_ids) RETURNING 1)
  SELECT count(*)::integer FROM d
$fn$;
REVOKE ALL ON FUNCTION kizuki_outbox_done(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_outbox_done(text[]) TO kizuki_app;
