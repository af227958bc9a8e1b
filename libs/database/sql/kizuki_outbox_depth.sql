-- How many jobs wait in the score outbox, across tenants (a gauge).
CREATE OR REPLACE FUNCTION kizuki_outbox_depth()
RETURNS bigint
LANGUAGE sql
STABLE SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT count(*) FROM score_outbox
$fn$;
REVOKE ALL ON FUNCTION kizuki_outbox_depth() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_outbox_depth() TO kizuki_app;
