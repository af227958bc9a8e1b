import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ScorePathFunctions1764490300000 } from './1764490300000-score-path-functions';

// kizuki_score_load read the stored bundle twice: once for the device it names, once to return
// it. Each statement of a function sees the rows committed before it started, so a bundle its
// ingest job stored between the two reads came back while its device had not been looked up: the
// login was scored as if on a device new to the account (a device reported as fraud was allowed;
// test/e2e/integrations.e2e-spec.ts caught it about once in ten runs). It now reads the bundle once.
export class ScoreLoadOneBundleRead1764490500000 implements MigrationInterface {
  name = 'ScoreLoadOneBundleRead1764490500000';

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
        v_bundle json;
        v_bundle_visitor text;
        v_bundle_storage text;
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- The stored bundle, read once: each statement of a function sees the rows committed before
        -- it started, so a bundle stored between two reads was returned while its device was not
        -- looked up (the login then scored as if on a new device: found by the e2e tests).
        -- No device given: the one in the stored bundle (the worker knows it only from the bundle),
        -- read from the jsonb in the same statement (json operators on the row's text would parse
        -- the whole bundle once per key: measured ≈ 50 µs more per load).
        IF p_bundle IS NOT NULL THEN
          SELECT row_to_json(b), b.payload->'device'->>'visitorId', b.payload->'device'->>'storageId'
            INTO v_bundle, v_bundle_visitor, v_bundle_storage FROM (
            SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
              FROM signal_bundles WHERE tenant_id = p_tenant AND id = p_bundle) b;
          IF v_visitor IS NULL AND v_bundle IS NOT NULL THEN
            v_visitor := v_bundle_visitor;
            v_storage := v_bundle_storage;
          END IF;
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
          'bundle', v_bundle,
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
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // the earlier definition (kizuki_score_load's signature is unchanged, so the grants stand)
    await new ScorePathFunctions1764490300000().up(q);
  }
}
