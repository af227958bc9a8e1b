-- canonicalIp of libs/scoring for inet values: IPv4 mapped into IPv6 (::ffff:a.b.c.d) is IPv4 (inet compares
-- families apart); a mapped block of at least 96 bits is the IPv4 block.
CREATE OR REPLACE FUNCTION kizuki_ip_canonical(p inet)
RETURNS inet
LANGUAGE sql
IMMUTABLE PARALLEL SAFE STRICT
SET search_path TO 'pg_catalog'
AS $fn$
  SELECT CASE WHEN family(p) = 6 AND masklen(p) >= 96 AND p <<= '::ffff:0.0.0.0/96'::inet
              THEN set_masklen('0.0.0.0'::inet + (p - '::ffff:0.0.0.0'::inet), masklen(p) - 96)
              ELSE p END
$fn$;
