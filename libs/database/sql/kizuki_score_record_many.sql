-- Records the scored logins of one tenant atomically (the statement's transaction), set-based: one statement per
-- table for the whole batch, each login's rules as if the logins were recorded one after the other in the order
-- given (the worker sends them sorted by account): token use, account (and what it learned), device and its link
-- to the account, the assessment and its idempotency key. One answer per login, in order:
-- {state: 'token-used', by} when another login consumed its token (nothing else written), {state: 'duplicate'}
-- when an earlier delivery (or an earlier login of the batch) recorded its idempotency key (nothing of it written),
-- else {state: 'recorded', accountId, deviceId, deviceStatus}. A single login is a batch of one. Rows are locked
-- in key order per table, so two batches wait for each other rather than deadlock; an error fails the batch,
-- which the worker then retries one by one. SECURITY INVOKER and generic plans, like kizuki_score_load_many.
CREATE OR REPLACE FUNCTION kizuki_score_record_many(p_tenant uuid, p jsonb)
RETURNS json
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
AS $fn$
  DECLARE
    v_by uuid[];                -- per login: the assessment its token is used by (NULL: no token)
    v_stored uuid[] := '{}';    -- assessments found stored already, their key purged since: duplicates
    v_rec boolean[];            -- per login: recorded by this call
    v_account uuid[];
    v_device uuid[];
    v_device_status text[];     -- the device row's own status ('new' or 'fraud')
    v_status text[];            -- the login's device status as stored with its assessment
    v_lost uuid[];
    v_out json;
  BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    -- The token: the first login naming it claims it, unless another login did before. Outside the block
    -- below, as before: a duplicate keeps its claim (a redelivery claims it with the same assessment id).
    WITH b AS (SELECT x.i::int AS i, (x.e->>'tokenId')::uuid AS tok, (x.e->'assessment'->>'id')::uuid AS aid
                 FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)),
    used AS (INSERT INTO token_uses (tenant_id, token_id, assessment_id)
             SELECT DISTINCT ON (tok) p_tenant, tok, aid FROM b WHERE tok IS NOT NULL ORDER BY tok, i
             ON CONFLICT (tenant_id, token_id) DO UPDATE SET token_id = EXCLUDED.token_id
             RETURNING token_id, assessment_id)
    SELECT array_agg(used.assessment_id ORDER BY b.i) INTO v_by FROM b LEFT JOIN used ON used.token_id = b.tok;

    -- The writes in a block: should an assessment turn out stored already (its key purged, kept 2 days), the
    -- block is undone and run again with that login answered as a duplicate (rare; nothing raised).
    LOOP
      BEGIN
        -- one assessment per idempotency key: the key table holds the uniqueness a time-partitioned table
        -- cannot (its unique keys must include the partition column); the first login with a key claims it
        WITH b AS (SELECT x.i::int AS i, x.e->'assessment' AS a FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)),
        c AS (SELECT DISTINCT ON (a->>'idempotencyKey') i, a->>'idempotencyKey' AS k, a FROM b
               WHERE (v_by[i] IS NULL OR v_by[i] = (a->>'id')::uuid) AND (a->>'id')::uuid <> ALL (v_stored)
               ORDER BY a->>'idempotencyKey', i),
        ins AS (INSERT INTO assessment_keys (tenant_id, idempotency_key, assessment_id, created_at)
                SELECT p_tenant, k, (a->>'id')::uuid, (a->>'createdAt')::timestamptz FROM c
                ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING idempotency_key)
        SELECT array_agg(w.i IS NOT NULL ORDER BY b.i) INTO v_rec
          FROM b LEFT JOIN (SELECT c.i FROM c JOIN ins ON ins.idempotency_key = c.k) w ON w.i = b.i;

        -- accounts: per account, its logins of the batch in order (counts add up; what the last trusted
        -- login learned is what the account keeps, field by field as each login would have set it)
        WITH b AS (SELECT x.i::int AS i, x.e->>'userHash' AS user_hash,
                          CASE WHEN jsonb_typeof(x.e->'learned') = 'object' THEN x.e->'learned' END AS l
                     FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)),
        g AS (SELECT user_hash, count(*)::int AS n, count(l)::int AS trusted,
                     bool_or(l ? 'typingProfile') AS has_typing, bool_or(l ? 'pointerProfile') AS has_pointer,
                     bool_or(l ? 'networks') AS has_networks,
                     (array_agg(l->'typingProfile' ORDER BY i DESC) FILTER (WHERE l ? 'typingProfile'))[1] AS typing,
                     (array_agg(l->'pointerProfile' ORDER BY i DESC) FILTER (WHERE l ? 'pointerProfile'))[1] AS pointer,
                     (array_agg(l->'networks' ORDER BY i DESC) FILTER (WHERE l ? 'networks'))[1] AS networks,
                     (array_agg(l ORDER BY i DESC) FILTER (WHERE l IS NOT NULL))[1] AS last_l
                FROM b WHERE v_rec[i] GROUP BY user_hash),
        up AS (INSERT INTO accounts AS t (tenant_id, user_hash, login_count, trusted_logins, typing_profile,
                                          pointer_profile, countries, languages, last_login, networks)
               SELECT p_tenant, user_hash, n, trusted, NULLIF(typing, 'null'::jsonb), NULLIF(pointer, 'null'::jsonb),
                      coalesce(ARRAY(SELECT jsonb_array_elements_text(last_l->'countries')), '{}'),
                      coalesce(ARRAY(SELECT jsonb_array_elements_text(last_l->'languages')), '{}'),
                      NULLIF(last_l->'lastLogin', 'null'::jsonb),
                      coalesce(ARRAY(SELECT jsonb_array_elements_text(networks)), '{}')
                 FROM g ORDER BY user_hash
               ON CONFLICT (tenant_id, user_hash) DO UPDATE SET last_seen_at = now(),
                 login_count = t.login_count + EXCLUDED.login_count,
                 trusted_logins = t.trusted_logins + EXCLUDED.trusted_logins,
                 typing_profile = CASE WHEN (SELECT has_typing FROM g WHERE g.user_hash = EXCLUDED.user_hash)
                                       THEN EXCLUDED.typing_profile ELSE t.typing_profile END,
                 pointer_profile = CASE WHEN (SELECT has_pointer FROM g WHERE g.user_hash = EXCLUDED.user_hash)
                                        THEN EXCLUDED.pointer_profile ELSE t.pointer_profile END,
                 countries = CASE WHEN EXCLUDED.trusted_logins > 0 THEN EXCLUDED.countries ELSE t.countries END,
                 languages = CASE WHEN EXCLUDED.trusted_logins > 0 THEN EXCLUDED.languages ELSE t.languages END,
                 last_login = CASE WHEN EXCLUDED.trusted_logins > 0 THEN EXCLUDED.last_login ELSE t.last_login END,
                 networks = CASE WHEN (SELECT has_networks FROM g WHERE g.user_hash = EXCLUDED.user_hash)
                                 THEN EXCLUDED.networks ELSE t.networks END
               RETURNING id, user_hash)
        SELECT array_agg(up.id ORDER BY b.i) INTO v_account
          FROM b LEFT JOIN up ON v_rec[b.i] AND up.user_hash = b.user_hash;

        -- the same device after a browser update takes the new fingerprint (unless another device row has it,
        -- or an earlier login of the batch brings it: then the login is recorded on that one as usual)
        v_device := NULL;
        v_device_status := NULL;
        IF p @? '$[*].device.matchedDeviceId ? (@ != null)' THEN
          WITH b AS (SELECT x.i::int AS i, x.e->'device' AS d FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)
                      WHERE jsonb_typeof(x.e->'device') = 'object'),
          m AS (SELECT DISTINCT ON (d->>'matchedDeviceId') i, (d->>'matchedDeviceId')::uuid AS matched, d FROM b
                 WHERE v_rec[i] AND d->>'matchedDeviceId' IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM b o WHERE v_rec[o.i] AND o.i < b.i AND o.d->>'visitorId' = b.d->>'visitorId')
                 ORDER BY d->>'matchedDeviceId', i),
          upd AS (UPDATE devices v SET visitor_id = m.d->>'visitorId', storage_id = COALESCE(m.d->>'storageId', v.storage_id),
                         components = coalesce(m.d->'components', '{}'), last_seen_at = now()
                    FROM m
                   WHERE v.tenant_id = p_tenant AND v.id = m.matched
                     AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tenant_id = p_tenant AND o.visitor_id = m.d->>'visitorId')
                  RETURNING m.i, v.id, v.status)
          SELECT array_agg(upd.id ORDER BY s.i), array_agg(upd.status ORDER BY s.i) INTO v_device, v_device_status
            FROM generate_series(1, jsonb_array_length(p)) s(i) LEFT JOIN upd ON upd.i = s.i;
        END IF;

        -- devices by fingerprint: per device, its logins of the batch in order (the last storage id given and
        -- the last components are what the row keeps)
        WITH b AS (SELECT x.i::int AS i, x.e->'device' AS d FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)),
        g AS (SELECT d->>'visitorId' AS visitor,
                     (array_agg(d->>'storageId' ORDER BY i DESC) FILTER (WHERE d->>'storageId' IS NOT NULL))[1] AS storage,
                     (array_agg(coalesce(d->'components', '{}') ORDER BY i DESC))[1] AS components
                FROM b WHERE v_rec[i] AND jsonb_typeof(d) = 'object' AND v_device[i] IS NULL GROUP BY 1),
        up AS (INSERT INTO devices AS t (tenant_id, visitor_id, storage_id, components)
               SELECT p_tenant, visitor, storage, components FROM g ORDER BY visitor
               ON CONFLICT (tenant_id, visitor_id) DO UPDATE SET last_seen_at = now(),
                 storage_id = COALESCE(EXCLUDED.storage_id, t.storage_id), components = EXCLUDED.components
               RETURNING id, visitor_id, status)
        SELECT array_agg(coalesce(v_device[b.i], up.id) ORDER BY b.i),
               array_agg(coalesce(v_device_status[b.i], up.status) ORDER BY b.i) INTO v_device, v_device_status
          FROM b LEFT JOIN up ON v_rec[b.i] AND jsonb_typeof(b.d) = 'object' AND v_device[b.i] IS NULL
                             AND up.visitor_id = b.d->>'visitorId';

        -- the account's link to the device: per link, its logins in order. A fraud or trusted link stays so;
        -- a trusted login trusts it; a new link takes its first login's status. Each login answers the
        -- status as of its own turn (an earlier login of the batch trusting the link shows in the later ones).
        WITH b AS (SELECT x.i::int AS i, v_account[x.i] AS acc, v_device[x.i] AS dev, x.e->>'linkStatus' AS ls,
                          coalesce((x.e->>'sharedDevice')::boolean, false) AS shared
                     FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i) WHERE v_rec[x.i] AND v_device[x.i] IS NOT NULL),
        s AS (SELECT i, acc, dev, shared, bool_or(ls = 'trusted') OVER w AS trusted_so_far,
                     first_value(ls) OVER w AS first_status
                FROM b WINDOW w AS (PARTITION BY acc, dev ORDER BY i)),
        g AS (SELECT acc, dev, count(*)::int AS n, bool_or(ls = 'trusted') AS any_trusted,
                     (array_agg(ls ORDER BY i))[1] AS first_status
                FROM b GROUP BY acc, dev),
        prev AS (SELECT x.account_id, x.device_id, x.status FROM account_devices x JOIN g
                   ON x.tenant_id = p_tenant AND x.account_id = g.acc AND x.device_id = g.dev),
        up AS (INSERT INTO account_devices AS t (tenant_id, account_id, device_id, status, logins)
               SELECT p_tenant, acc, dev, CASE WHEN any_trusted THEN 'trusted' ELSE first_status END, n
                 FROM g ORDER BY acc, dev
               ON CONFLICT (tenant_id, account_id, device_id) DO UPDATE
                 SET last_seen_at = now(), logins = t.logins + EXCLUDED.logins,
                 status = CASE WHEN t.status IN ('fraud', 'trusted') THEN t.status
                               WHEN EXCLUDED.status = 'trusted' THEN 'trusted'
                               ELSE t.status END)
        SELECT array_agg(CASE WHEN link.status IS NULL THEN NULL
                              WHEN v_device_status[q.i] = 'fraud' OR link.status = 'fraud' THEN 'fraud'
                              WHEN link.shared THEN 'shared'
                              ELSE link.status END ORDER BY q.i) INTO v_status
          FROM generate_series(1, jsonb_array_length(p)) q(i)
          LEFT JOIN (SELECT s.i, s.shared,
                            CASE WHEN prev.status IN ('fraud', 'trusted') THEN prev.status
                                 WHEN s.trusted_so_far THEN 'trusted'
                                 ELSE coalesce(prev.status, s.first_status) END AS status
                       FROM s LEFT JOIN prev ON prev.account_id = s.acc AND prev.device_id = s.dev) link
            ON link.i = q.i;

        -- the assessments, and the answers
        WITH b AS (SELECT x.i::int AS i, x.e->'assessment' AS a FROM jsonb_array_elements(p) WITH ORDINALITY x(e, i)),
        ins AS (INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, bundle_id, event, status,
                  decision, policy_decision, shadow, score, scores, reasons, device_status, ip, country, asn, user_agent,
                  created_at, language, changes)
                SELECT (a->>'id')::uuid, p_tenant, a->>'idempotencyKey', v_account[i], v_device[i], (a->>'bundleId')::uuid,
                  a->>'event', a->>'status', a->>'decision', a->>'policyDecision', (a->>'shadow')::boolean,
                  round((a->>'score')::numeric)::smallint, a->'scores', a->'reasons', v_status[i], (a->>'ip')::inet,
                  a->>'country', (a->>'asn')::integer, a->>'userAgent', (a->>'createdAt')::timestamptz, a->>'language',
                  CASE WHEN jsonb_typeof(a->'changes') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(a->'changes')) END
                  FROM b WHERE v_rec[i] ORDER BY i
                -- the same login recorded before its key was purged: a duplicate, found here
                ON CONFLICT DO NOTHING RETURNING id)
        SELECT array_agg((b.a->>'id')::uuid) FILTER (WHERE v_rec[b.i] AND ins.id IS NULL),
               json_agg(CASE WHEN v_by[b.i] <> (b.a->>'id')::uuid THEN json_build_object('state', 'token-used', 'by', v_by[b.i])
                             WHEN v_rec[b.i] THEN json_build_object('state', 'recorded', 'accountId', v_account[b.i],
                                                                    'deviceId', v_device[b.i], 'deviceStatus', v_status[b.i])
                             ELSE json_build_object('state', 'duplicate') END ORDER BY b.i)
          INTO v_lost, v_out
          FROM b LEFT JOIN ins ON v_rec[b.i] AND ins.id = (b.a->>'id')::uuid;
        IF v_lost IS NOT NULL THEN
          v_stored := v_stored || v_lost;
          RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
        END IF;
        RETURN coalesce(v_out, '[]'::json);
      EXCEPTION WHEN SQLSTATE 'KZ001' THEN
        NULL; -- undone; again, with those answered as duplicates
      END;
    END LOOP;
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_record_many(uuid, jsonb) TO kizuki_app;
