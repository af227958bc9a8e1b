-- Kizuki's HyperLogLog sketch without the extension: register i (0..2047, the hash's low 11 bits) holds the largest
-- rho seen (the position of the first 1 bit in the hash's other 53 bits, 54 if none), one byte each. p_index and
-- p_rho are one group's registers (any order, one entry per register set); absent registers are 0.
CREATE OR REPLACE FUNCTION kizuki_hll_pack(p_index integer[], p_rho integer[])
RETURNS bytea
LANGUAGE plpgsql
IMMUTABLE
SET search_path TO 'pg_catalog', 'public'
AS $fn$
DECLARE
  v bytea := decode(repeat('00', 2048), 'hex');
BEGIN
  FOR k IN 1 .. coalesce(array_length(p_index, 1), 0) LOOP
    v := set_byte(v, p_index[k], greatest(get_byte(v, p_index[k]), p_rho[k]));
  END LOOP;
  RETURN v;
END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_hll_pack(integer[], integer[]) TO kizuki_app;
