-- Partition upkeep with the clock, for the app role (the worker at start and at every retention run).
CREATE OR REPLACE FUNCTION kizuki_maintain_partitions()
RETURNS TABLE(action text, partition_name text)
LANGUAGE sql
SECURITY DEFINER
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT * FROM kizuki_partitions_run(now())
$fn$;
REVOKE ALL ON FUNCTION kizuki_maintain_partitions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kizuki_maintain_partitions() TO kizuki_app;
