import type { MigrationInterface, QueryRunner } from 'typeorm';

// The score job's reads and writes as two functions: one round trip to load everything a login is
// scored against, one to record it (issue #7). Before, a login cost ~19 round trips to PostgreSQL
// (each read in its own row-level-security transaction: BEGIN + set_config, the query, COMMIT), and
// on this machine a round trip costs ~150 µs of the worker's CPU and as much of PostgreSQL's: the
// worker spent most of its time writing to sockets.
//
// Both are SECURITY INVOKER (the default): they run as the caller, `kizuki_app`, so row-level
// security binds every statement in them. Each sets `app.tenant_id` for its own transaction (the
// statement's), exactly as withTenant() does.
export class ScorePathFunctions1764490300000 implements MigrationInterface {
  name = 'ScorePathFunctions1764490300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION kizuki_score_load(
        p_tenant uuid, p_user_hash text, p_visitor text, p_storage text, p_token uuid, p_ip text,
        p_idempotency_key text, p_bundle uuid, p_asn text, p_country text)
      RETURNS json LANGUAGE plpgsql
      -- Generic plans: every statement below looks rows up by exact keys, so one plan fits all
      -- calls, and PostgreSQL does not re-plan on each (custom plans cost more than the lookups).
      SET plan_cache_mode = force_generic_plan
      AS $fn$
      DECLARE
        v_visitor text := p_visitor;
        v_storage text := p_storage;
        v_account_id uuid;
        v_account json;
        v_device_id uuid;
        v_device json;
        v_account_devices json;
        v_device_ids text[];
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- No device given: the one in the stored bundle (the worker knows it only from the bundle).
        IF v_visitor IS NULL AND p_bundle IS NOT NULL THEN
          SELECT payload->'device'->>'visitorId', payload->'device'->>'storageId' INTO v_visitor, v_storage
            FROM signal_bundles WHERE tenant_id = p_tenant AND id = p_bundle;
        END IF;

        -- One step per key, each an index lookup on exact values: no join whose key the planner
        -- cannot see (a tenant-wide scan at a million accounts).
        SELECT a.id, row_to_json(a) INTO v_account_id, v_account FROM (
          SELECT id, login_count AS "loginCount", trusted_logins AS "trustedLogins", typing_profile AS "typingProfile",
                 pointer_profile AS "pointerProfile", countries, languages, networks, last_login AS "lastLogin"
            FROM accounts WHERE tenant_id = p_tenant AND user_hash = p_user_hash) a;

        IF v_visitor IS NOT NULL THEN
          SELECT d.id, row_to_json(d) INTO v_device_id, v_device FROM (
            SELECT id, visitor_id AS "visitorId", status, components, false AS "matchedByStorage"
              FROM devices WHERE tenant_id = p_tenant AND visitor_id = v_visitor) d;
        END IF;
        IF v_device_id IS NULL AND v_storage IS NOT NULL THEN
          -- a cleared fingerprint, the same first-party storage id
          SELECT d.id, row_to_json(d) INTO v_device_id, v_device FROM (
            SELECT id, visitor_id AS "visitorId", status, components, true AS "matchedByStorage"
              FROM devices WHERE tenant_id = p_tenant AND storage_id = v_storage ORDER BY last_seen_at DESC LIMIT 1) d;
        END IF;

        SELECT coalesce(json_agg(x), '[]'::json), array_agg(x.id::text) INTO v_account_devices, v_device_ids FROM (
          SELECT d.id, d.components, a.status, (d.status = 'fraud') AS "deviceFraud"
            FROM account_devices a JOIN devices d ON d.id = a.device_id
           WHERE a.account_id = v_account_id ORDER BY a.last_seen_at DESC LIMIT 20) x;

        RETURN (SELECT json_build_object(
          'policy', t.policy,
          'account', v_account,
          'device', v_device,
          'linkStatus', (SELECT status FROM account_devices WHERE account_id = v_account_id AND device_id = v_device_id),
          -- other accounts seen on the device, counted up to 1,000 (DEVICE_SHARED needs a handful;
          -- an attack tool's device must not make every login count its victims)
          'otherAccounts', (SELECT count(*)::int FROM (
              SELECT 1 FROM account_devices WHERE tenant_id = p_tenant AND device_id = v_device_id
                 AND account_id IS DISTINCT FROM v_account_id LIMIT 1000) o),
          'tokenUsedBy', (SELECT assessment_id FROM token_uses WHERE tenant_id = p_tenant AND token_id = p_token),
          'accountDevices', v_account_devices,
          'tor', (p_ip IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = p_ip::inet)),
          -- the answer of an earlier delivery of this job (idempotency)
          'existing', (SELECT row_to_json(x) FROM (
              SELECT id, account_id AS "accountId", device_id AS "deviceId", bundle_id AS "bundleId", event, status, decision,
                     policy_decision AS "policyDecision", shadow, score, scores, reasons, device_status AS "deviceStatus", host(ip) AS ip,
                     country, label, created_at AS "createdAt"
                FROM assessments WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key) x),
          'bundle', (SELECT row_to_json(b) FROM (
              SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
                FROM signal_bundles WHERE tenant_id = p_tenant AND id = p_bundle) b),
          -- list entries that may match; device entries for this device or any of the account's
          -- (the worker keeps the one its fuzzy match settles on)
          'lists', (SELECT coalesce(json_agg(l), '[]'::json) FROM (
              SELECT list, kind, value, comment FROM list_entries
               WHERE tenant_id = p_tenant AND (expires_at IS NULL OR expires_at > now()) AND (
                     (kind = 'ip' AND value = p_ip)
                  OR (kind = 'cidr' AND p_ip IS NOT NULL AND p_ip::inet <<= value::cidr)
                  OR (kind = 'device' AND (value = v_device_id::text OR value = ANY(v_device_ids)))
                  OR (kind = 'user' AND value = p_user_hash)
                  OR (kind = 'asn' AND value = p_asn)
                  OR (kind = 'country' AND value = p_country))) l),
          -- events some enabled endpoint subscribes to: no webhook work for a tenant without them
          'webhookEvents', (SELECT coalesce(json_agg(DISTINCT e), '[]'::json)
                              FROM webhook_endpoints w, unnest(w.events) e WHERE w.tenant_id = p_tenant AND w.enabled))
          FROM tenants t WHERE t.id = p_tenant);
      END
      $fn$;

      -- Records a scored login atomically (the statement's transaction): token use, account (and
      -- what it learned), device and its link to the account, the assessment. Returns
      -- {state: 'token-used', by} when another login consumed the token (nothing else written), and
      -- {state: 'duplicate'} when an earlier delivery of the job recorded the assessment (all undone).
      CREATE OR REPLACE FUNCTION kizuki_score_record(p_tenant uuid, r jsonb)
      RETURNS json LANGUAGE plpgsql
      SET plan_cache_mode = force_generic_plan
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
          INSERT INTO token_uses (tenant_id, token_id, assessment_id) VALUES (p_tenant, (r->>'tokenId')::uuid, (a->>'id')::uuid)
          ON CONFLICT (tenant_id, token_id) DO UPDATE SET token_id = EXCLUDED.token_id RETURNING assessment_id INTO v_by;
          IF v_by <> (a->>'id')::uuid THEN
            RETURN json_build_object('state', 'token-used', 'by', v_by);
          END IF;
        END IF;

        -- the writes below in a block: a duplicate undoes them (a subtransaction) and is answered, not raised
        BEGIN
        INSERT INTO accounts (tenant_id, user_hash, login_count, trusted_logins, typing_profile, pointer_profile, countries, languages, last_login, networks)
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
            INSERT INTO devices (tenant_id, visitor_id, storage_id, components) VALUES (p_tenant, d->>'visitorId', d->>'storageId', coalesce(d->'components', '{}'))
            ON CONFLICT (tenant_id, visitor_id) DO UPDATE SET last_seen_at = now(),
              storage_id = COALESCE(EXCLUDED.storage_id, devices.storage_id), components = EXCLUDED.components
            RETURNING id, status INTO v_device, v_device_status;
          END IF;
          INSERT INTO account_devices (tenant_id, account_id, device_id, status, logins) VALUES (p_tenant, v_account, v_device, r->>'linkStatus', 1)
          ON CONFLICT (account_id, device_id) DO UPDATE SET last_seen_at = now(), logins = account_devices.logins + 1,
            status = CASE WHEN account_devices.status IN ('fraud', 'trusted') THEN account_devices.status
                          WHEN EXCLUDED.status = 'trusted' THEN 'trusted'
                          ELSE account_devices.status END
          RETURNING status INTO v_link;
          v_status := CASE WHEN v_device_status = 'fraud' OR v_link = 'fraud' THEN 'fraud'
                           WHEN coalesce((r->>'sharedDevice')::boolean, false) THEN 'shared'
                           ELSE v_link END;
        END IF;

        INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, bundle_id, event, status, decision,
          policy_decision, shadow, score, scores, reasons, device_status, ip, country, asn, user_agent, created_at, language)
        VALUES ((a->>'id')::uuid, p_tenant, a->>'idempotencyKey', v_account, v_device, (a->>'bundleId')::uuid, a->>'event', a->>'status',
          a->>'decision', a->>'policyDecision', (a->>'shadow')::boolean, round((a->>'score')::numeric)::smallint, a->'scores', a->'reasons',
          v_status, (a->>'ip')::inet, a->>'country', (a->>'asn')::integer, a->>'userAgent', (a->>'createdAt')::timestamptz, a->>'language')
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id INTO v_inserted;
        IF v_inserted IS NULL THEN
          RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
        END IF;
        EXCEPTION WHEN SQLSTATE 'KZ001' THEN
          RETURN json_build_object('state', 'duplicate');
        END;
        RETURN json_build_object('state', 'recorded', 'accountId', v_account, 'deviceId', v_device, 'deviceStatus', v_status);
      END
      $fn$;
    `);
    // Several logins of one tenant in one round trip and one transaction: a worker scoring N logins
    // at once sends one call, and PostgreSQL flushes its WAL once for them. Each record keeps its
    // own duplicate handling; an error fails the batch, which the worker then retries one by one.
    await q.query(`
      CREATE OR REPLACE FUNCTION kizuki_score_load_many(p_tenant uuid, p jsonb)
      RETURNS json LANGUAGE plpgsql AS $fn$
      DECLARE
        e jsonb;
        out json[] := '{}';
      BEGIN
        FOR e IN SELECT value FROM jsonb_array_elements(p) LOOP
          out := out || kizuki_score_load(p_tenant, e->>'userHash', e->>'visitorId', e->>'storageId', (e->>'tokenId')::uuid, e->>'ip',
                                          e->>'idempotencyKey', (e->>'bundleId')::uuid, e->>'asn', e->>'country');
        END LOOP;
        RETURN array_to_json(out);
      END
      $fn$;

      CREATE OR REPLACE FUNCTION kizuki_score_record_many(p_tenant uuid, p jsonb)
      RETURNS json LANGUAGE plpgsql AS $fn$
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
    `);
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kizuki_app') THEN
          GRANT EXECUTE ON FUNCTION kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text), kizuki_score_record(uuid, jsonb),
            kizuki_score_load_many(uuid, jsonb), kizuki_score_record_many(uuid, jsonb) TO kizuki_app;
        END IF;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS kizuki_score_load_many(uuid, jsonb); DROP FUNCTION IF EXISTS kizuki_score_record_many(uuid, jsonb);
      DROP FUNCTION IF EXISTS kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text); DROP FUNCTION IF EXISTS kizuki_score_record(uuid, jsonb);`);
  }
}
