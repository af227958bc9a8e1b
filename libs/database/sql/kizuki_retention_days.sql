-- A tenant's retention period in days: a number from 1 to 3650, else the default.
CREATE OR REPLACE FUNCTION kizuki_retention_days(p_retention jsonb, p_key text, p_fallback integer)
RETURNS integer
LANGUAGE sql
IMMUTABLE
AS $fn$
  SELECT CASE WHEN jsonb_typeof(p_retention->p_key) = 'number' AND (p_retention->>p_key)::numeric BETWEEN 1 AND 3650
              THEN floor((p_retention->>p_key)::numeric)::integer ELSE p_fallback END
$fn$;
