-- Partition upkeep as of p_now: makes the partitions from a unit back to the coming periods (bundles a day
-- back to 7 ahead, assessments a month back to 2 ahead: lookups reach back, e.g. a bundle up to 2 hours
-- before the risk call) and drops those wholly before every tenant's cutoff (kizuki_retention_cutoffs).
-- One caller at a time; a lock it cannot get within 250 ms is skipped and reported 'busy', for the next
-- run. Owner only: kizuki_maintain_partitions() calls it with the clock.
CREATE OR REPLACE FUNCTION kizuki_partitions_run(p_now timestamp with time zone)
RETURNS TABLE(action text, partition_name text)
LANGUAGE plpgsql
SET search_path TO 'pg_catalog', 'public'
SET lock_timeout TO '250ms'
AS $fn$
  DECLARE
    s record;
    p record;
    i integer;
    v_made text;
    v_cutoff timestamptz;
    v_start timestamptz;
  BEGIN
    -- one caller at a time; another (a second worker starting meanwhile) returns at once, not
    -- after lock_timeout with an error that failed its whole retention run
    IF NOT pg_try_advisory_xact_lock(hashtext('kizuki_partitions')) THEN
      action := 'busy'; partition_name := '(another upkeep is under way)'; RETURN NEXT;
      RETURN;
    END IF;
    FOR s IN SELECT * FROM (VALUES ('signal_bundles', 'received_at', 'day', 1, 7),
                                   ('assessments', 'created_at', 'month', 1, 2))
                      AS t(parent, col, unit, behind, ahead) LOOP
      FOR i IN -s.behind..s.ahead LOOP
        partition_name := s.parent || ' ' || to_char(i, 'SGFM999') || ' ' || s.unit;
        BEGIN
          v_made := kizuki_partition_ensure(s.parent, s.col, s.unit,
                      (p_now AT TIME ZONE 'UTC'
                       + CASE s.unit WHEN 'day' THEN make_interval(days => i) ELSE make_interval(months => i) END)
                      AT TIME ZONE 'UTC');
          IF v_made IS NOT NULL THEN action := 'created'; partition_name := v_made; RETURN NEXT; END IF;
        EXCEPTION WHEN lock_not_available THEN
          action := 'busy'; RETURN NEXT;
        END;
      END LOOP;

      SELECT min(CASE s.parent WHEN 'signal_bundles' THEN c.bundles_before ELSE c.assessments_before END) INTO v_cutoff
        FROM kizuki_retention_cutoffs(p_now) c;
      CONTINUE WHEN v_cutoff IS NULL; -- no tenant, no row
      FOR p IN SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
                WHERE h.inhparent = ('public.' || s.parent)::regclass AND c.relname ~ ('^' || s.parent || '_p[0-9]+$')
                ORDER BY c.relname LOOP
        v_start := to_date(substring(p.relname FROM '_p([0-9]+)$'),
                           CASE s.unit WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END)::timestamp AT TIME ZONE 'UTC';
        CONTINUE WHEN ((v_start AT TIME ZONE 'UTC') + ('1 ' || s.unit)::interval) AT TIME ZONE 'UTC' > v_cutoff;
        partition_name := p.relname;
        BEGIN
          EXECUTE format('DROP TABLE public.%I', p.relname);
          action := 'dropped';
        EXCEPTION WHEN lock_not_available THEN
          action := 'busy';
        END;
        RETURN NEXT;
      END LOOP;
    END LOOP;
  END
$fn$;
REVOKE ALL ON FUNCTION kizuki_partitions_run(timestamp with time zone) FROM PUBLIC;
