-- kizuki_score_load for several logins of one tenant in one round trip.
CREATE OR REPLACE FUNCTION kizuki_score_load_many(p_tenant uuid, p jsonb)
RETURNS json
LANGUAGE plpgsql
AS $fn$
  DECLARE
    e jsonb;
    out json[] := '{}';
  BEGIN
    FOR e IN SELECT value FROM jsonb_array_elements(p) LOOP
      out := out || kizuki_score_load(p_tenant, e->>'userHash', e->>'visitorId', e->>'storageId',
                                      (e->>'tokenId')::uuid, e->>'ip', e->>'idempotencyKey', (e->>'bundleId')::uuid,
                                      e->>'asn', e->>'country', (e->>'bundleNear')::timestamptz);
    END LOOP;
    RETURN array_to_json(out);
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_load_many(uuid, jsonb) TO kizuki_app;
