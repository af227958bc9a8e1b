-- kizuki_score_record for several logins of one tenant in one round trip and one transaction (one WAL flush);
-- an error fails the batch, which the worker then retries one by one.
CREATE OR REPLACE FUNCTION kizuki_score_record_many(p_tenant uuid, p jsonb)
RETURNS json
LANGUAGE plpgsql
AS $fn$
  DECLARE
    e jsonb;
    out json[] := '{}';
  BEGIN
    FOR e IN SELECT value FROM jsonb_array_elements(p) LOOP
      out := out || kizuki_score_record(p_tenant, e);
    END LOOP;
    RETURN array_to_json(out);
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_record_many(uuid, jsonb) TO kizuki_app;
