-- Records a scored login atomically (the statement's transaction): token use, account (and what it learned),
-- device and its link to the account, the assessment and its idempotency key. Returns {state: 'token-used', by}
-- when another login consumed the token (nothing else written), and {state: 'duplicate'} when an earlier
-- delivery of the job recorded the assessment (all undone). SECURITY INVOKER and generic plans, like kizuki_score_load.
CREATE OR REPLACE FUNCTION kizuki_score_record(p_tenant uuid, r jsonb)
RETURNS json
LANGUAGE plpgsql
SET plan_cache_mode TO 'force_generic_plan'
AS $fn$
  DECLARE
    a jsonb := r->'assessment';
    l jsonb := CASE WHEN jsonb_typeof(r->'learned') = 'object' THEN r->'learned' END;
    d jsonb := CASE WHEN jsonb_typeof(r->'device') = 'object' THEN r->'device' END;
    v_by uuid;
    v_account uuid;
    v_device uuid;
    v_device_status text;
    v_link text;
    v_status text;
    v_inserted uuid;
  BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    IF r->>'tokenId' IS NOT NULL THEN
      INSERT INTO token_uses (tenant_id, token_id, assessment_id)
      VALUES (p_tenant, (r->>'tokenId')::uuid, (a->>'id')::uuid)
      ON CONFLICT (tenant_id, token_id) DO UPDATE SET token_id = EXCLUDED.token_id RETURNING assessment_id INTO v_by;
      IF v_by <> (a->>'id')::uuid THEN
        RETURN json_build_object('state', 'token-used', 'by', v_by);
      END IF;
    END IF;

    -- the writes below in a block: a duplicate undoes them (a subtransaction) and is answered, not raised
    BEGIN
    INSERT INTO accounts (tenant_id, user_hash, login_count, trusted_logins, typing_profile, pointer_profile,
                          countries, languages, last_login, networks)
    VALUES (p_tenant, r->>'userHash', 1, CASE WHEN l IS NULL THEN 0 ELSE 1 END,
            NULLIF(l->'typingProfile', 'null'::jsonb), NULLIF(l->'pointerProfile', 'null'::jsonb),
            coalesce(ARRAY(SELECT jsonb_array_elements_text(l->'countries')), '{}'),
            coalesce(ARRAY(SELECT jsonb_array_elements_text(l->'languages')), '{}'),
            NULLIF(l->'lastLogin', 'null'::jsonb),
            coalesce(ARRAY(SELECT jsonb_array_elements_text(l->'networks')), '{}'))
    ON CONFLICT (tenant_id, user_hash) DO UPDATE SET last_seen_at = now(), login_count = accounts.login_count + 1,
      trusted_logins = accounts.trusted_logins + EXCLUDED.trusted_logins,
      typing_profile = CASE WHEN l ? 'typingProfile' THEN EXCLUDED.typing_profile ELSE accounts.typing_profile END,
      pointer_profile = CASE WHEN l ? 'pointerProfile' THEN EXCLUDED.pointer_profile ELSE accounts.pointer_profile END,
      countries = CASE WHEN l IS NOT NULL THEN EXCLUDED.countries ELSE accounts.countries END,
      languages = CASE WHEN l IS NOT NULL THEN EXCLUDED.languages ELSE accounts.languages END,
      last_login = CASE WHEN l IS NOT NULL THEN EXCLUDED.last_login ELSE accounts.last_login END,
      networks = CASE WHEN l ? 'networks' THEN EXCLUDED.networks ELSE accounts.networks END
    RETURNING id INTO v_account;

    IF d IS NOT NULL THEN
      IF d->>'matchedDeviceId' IS NOT NULL THEN
        -- the same device after a browser update takes the new fingerprint (unless another
        -- device row already has it: then the login is recorded on that one as usual)
        UPDATE devices SET visitor_id = d->>'visitorId', storage_id = COALESCE(d->>'storageId', storage_id),
               components = coalesce(d->'components', '{}'), last_seen_at = now()
         WHERE tenant_id = p_tenant AND id = (d->>'matchedDeviceId')::uuid
           AND NOT EXISTS (SELECT 1 FROM devices o WHERE o.tenant_id = p_tenant AND o.visitor_id = d->>'visitorId')
        RETURNING id, status INTO v_device, v_device_status;
      END IF;
      IF v_device IS NULL THEN
        INSERT INTO devices (tenant_id, visitor_id, storage_id, components)
        VALUES (p_tenant, d->>'visitorId', d->>'storageId', coalesce(d->'components', '{}'))
        ON CONFLICT (tenant_id, visitor_id) DO UPDATE SET last_seen_at = now(),
          storage_id = COALESCE(EXCLUDED.storage_id, devices.storage_id), components = EXCLUDED.components
        RETURNING id, status INTO v_device, v_device_status;
      END IF;
      INSERT INTO account_devices (tenant_id, account_id, device_id, status, logins)
      VALUES (p_tenant, v_account, v_device, r->>'linkStatus', 1)
      ON CONFLICT (tenant_id, account_id, device_id) DO UPDATE
        SET last_seen_at = now(), logins = account_devices.logins + 1,
        status = CASE WHEN account_devices.status IN ('fraud', 'trusted') THEN account_devices.status
                      WHEN EXCLUDED.status = 'trusted' THEN 'trusted'
                      ELSE account_devices.status END
      RETURNING status INTO v_link;
      v_status := CASE WHEN v_device_status = 'fraud' OR v_link = 'fraud' THEN 'fraud'
                       WHEN coalesce((r->>'sharedDevice')::boolean, false) THEN 'shared'
                       ELSE v_link END;
    END IF;

    -- one assessment per idempotency key: the key table holds the uniqueness a time-partitioned
    -- table cannot (its unique keys must include the partition column)
    INSERT INTO assessment_keys (tenant_id, idempotency_key, assessment_id, created_at)
    VALUES (p_tenant, a->>'idempotencyKey', (a->>'id')::uuid, (a->>'createdAt')::timestamptz)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING assessment_id INTO v_inserted;
    IF v_inserted IS NULL THEN
      RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
    END IF;
    INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, bundle_id, event, status,
      decision, policy_decision, shadow, score, scores, reasons, device_status, ip, country, asn, user_agent,
      created_at, language, changes)
    VALUES ((a->>'id')::uuid, p_tenant, a->>'idempotencyKey', v_account, v_device, (a->>'bundleId')::uuid,
      a->>'event', a->>'status', a->>'decision', a->>'policyDecision', (a->>'shadow')::boolean,
      round((a->>'score')::numeric)::smallint, a->'scores', a->'reasons', v_status, (a->>'ip')::inet,
      a->>'country', (a->>'asn')::integer, a->>'userAgent', (a->>'createdAt')::timestamptz, a->>'language',
      CASE WHEN jsonb_typeof(a->'changes') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(a->'changes')) END)
    -- the same login recorded before its key was purged (kept 2 days): a redelivery that late
    -- is a duplicate too, answered from the stored row, not a unique violation
    ON CONFLICT DO NOTHING RETURNING id INTO v_inserted;
    IF v_inserted IS NULL THEN
      RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
    END IF;
    EXCEPTION WHEN SQLSTATE 'KZ001' THEN
      RETURN json_build_object('state', 'duplicate');
    END;
    RETURN json_build_object('state', 'recorded', 'accountId', v_account, 'deviceId', v_device,
                             'deviceStatus', v_status);
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_record(uuid, jsonb) TO kizuki_app;
