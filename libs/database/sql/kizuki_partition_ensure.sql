-- Makes the partition of p_parent for the period (p_unit: day or month, UTC) holding p_at, unless it exists;
-- returns its name, or null. Made apart, given the rows the default partition holds for that period, and
-- attached while writes wait (CREATE TABLE ... PARTITION OF would stop reads too). Owner only.
CREATE OR REPLACE FUNCTION kizuki_partition_ensure(
  p_parent text, p_column text, p_unit text, p_at timestamp with time zone)
RETURNS text
LANGUAGE plpgsql
SET search_path TO 'pg_catalog', 'public'
AS $fn$
  DECLARE
    v_start timestamptz := date_trunc(p_unit, p_at, 'UTC');
    v_end timestamptz := (date_trunc(p_unit, p_at, 'UTC') AT TIME ZONE 'UTC' + ('1 ' || p_unit)::interval)
                         AT TIME ZONE 'UTC';
    v_name text := p_parent || '_p' || to_char(v_start AT TIME ZONE 'UTC',
        CASE p_unit WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END);
  BEGIN
    IF p_unit NOT IN ('day', 'month') THEN RAISE EXCEPTION 'partition unit must be day or month, not %', p_unit; END IF;
    IF to_regclass('public.' || quote_ident(v_name)) IS NOT NULL THEN RETURN NULL; END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS'
                   ' INCLUDING COMPRESSION)', v_name, p_parent);
    -- No write into the table from here to the commit (reads go on): a row for this period stored
    -- in the default partition after the move would fail the attach, and a write that had chosen
    -- the default partition before the attach would fail itself once it is attached
    -- (test/e2e/partitions.e2e-spec.ts writes during upkeep). Held for milliseconds, once a period.
    EXECUTE format('LOCK TABLE public.%I IN SHARE ROW EXCLUSIVE MODE', p_parent);
    EXECUTE format('WITH moved AS (DELETE FROM public.%I WHERE %I >= $1 AND %I < $2 RETURNING *)'
                   ' INSERT INTO public.%I SELECT * FROM moved',
                   p_parent || '_default', p_column, p_column, v_name) USING v_start, v_end;
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                   p_parent, v_name, v_start, v_end);
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', v_name);
    EXECUTE format('CREATE POLICY tenant_isolation ON public.%1$I'
                   ' USING (tenant_id = NULLIF(current_setting(%2$L, true), %3$L)::uuid)'
                   ' WITH CHECK (tenant_id = NULLIF(current_setting(%2$L, true), %3$L)::uuid)',
                   v_name, 'app.tenant_id', '');
    RETURN v_name;
  END
$fn$;
REVOKE ALL ON FUNCTION kizuki_partition_ensure(text, text, text, timestamp with time zone) FROM PUBLIC;
