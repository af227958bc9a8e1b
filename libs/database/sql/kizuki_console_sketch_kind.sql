-- The one place the console's distinct-count sketches choose their format: 'hll' when the hll extension is
-- installed (migration 1796405000000 creates it where the server has it), else 'registers' (Kizuki's own
-- HyperLogLog: 2,048 one-byte registers, kizuki_hll_pack). Both are log2m = 11: ~2.3 % standard error.
-- Sketches of one format are merged only with their own: after the extension comes or goes, rebuild the roll-up
-- (docs/operations.md, "Console roll-up").
CREATE OR REPLACE FUNCTION kizuki_console_sketch_kind()
RETURNS text
LANGUAGE sql
STABLE
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hll') THEN 'hll' ELSE 'registers' END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_console_sketch_kind() TO kizuki_app;
