-- Stores a tenant's batch of SDK bundles in one round trip; SECURITY INVOKER, like the score path.
CREATE OR REPLACE FUNCTION kizuki_store_bundles(p_tenant uuid, p_rows jsonb)
RETURNS void
LANGUAGE plpgsql
AS $fn$
  BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    -- in the order given (the caller sorts by id): two batches holding the same bundle wait
    -- for each other instead of deadlocking
    INSERT INTO signal_bundles (id, tenant_id, received_at, ip, user_agent, origin, payload)
    SELECT b.id, p_tenant, b.received_at, b.ip, b.user_agent, b.origin, b.payload
      FROM ROWS FROM (jsonb_to_recordset(p_rows)
                        AS (id uuid, received_at timestamptz, ip inet, user_agent text, origin text, payload jsonb))
           WITH ORDINALITY AS b(id, received_at, ip, user_agent, origin, payload, n)
     ORDER BY b.n
    ON CONFLICT (tenant_id, id, received_at) DO NOTHING;
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_store_bundles(uuid, jsonb) TO kizuki_app;
