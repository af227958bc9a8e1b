-- kizuki_score_load for several logins of one tenant in one round trip, answered in the order given.
CREATE OR REPLACE FUNCTION kizuki_score_load_many(p_tenant uuid, p jsonb)
RETURNS json
LANGUAGE sql
AS $fn$
  SELECT coalesce(
           json_agg(
             kizuki_score_load(p_tenant, e->>'userHash', e->>'visitorId', e->>'storageId', (e->>'tokenId')::uuid,
                               e->>'ip', e->>'idempotencyKey', (e->>'bundleId')::uuid, e->>'asn', e->>'country',
                               (e->>'bundleNear')::timestamptz)
             ORDER BY i),
           '[]'::json)
  FROM jsonb_array_elements(p) WITH ORDINALITY AS x(e, i)
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_load_many(uuid, jsonb) TO kizuki_app;
