import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LOAD_FUNCTION, PARTITION_FUNCTIONS, RECORD_FUNCTION } from './1764490600000-time-partitions';

// Four mends of migration 1764490600000 (time partitions), found in review:
// - kizuki_score_load looked up the bundle and an earlier delivery's assessment with generic
//   plans, which lock every partition of the table (and each of its indexes) before pruning:
//   166 locks a call with 20 day partitions, 1,162 at a year's retention, where 60 concurrent
//   loads failed with "out of shared memory". Both lookups now run with their values (EXECUTE),
//   opening only the partitions those name; the rest of the function keeps its generic plans.
// - kizuki_score_record raised a unique violation for a login recorded before its idempotency key
//   was purged (2 days): the insert into assessments answers it as a duplicate again.
// - kizuki_partitions_run waited for its one-caller lock under lock_timeout, so a second caller
//   failed with an error (and with it a worker's whole retention run): it now returns 'busy'.
// - kizuki_retention_cutoffs rounded every tenant's period up to the partition, so a tenant keeping
//   assessments 7 days kept them up to 38: only the tenants that keep longest (whose rows leave with
//   their partition) are rounded now; the others' rows go at their exact period.
// kizuki_score_record is derived from 1764490600000's text (one statement differs); the others are
// restated whole (several edits each; PL/pgSQL has no partial replace). down() restores the bodies
// of 1764490600000 from that migration's own text.
export class PartitionLocks1764490800000 implements MigrationInterface {
  name = 'PartitionLocks1764490800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LOAD);
    await q.query(RECORD);
    await q.query(RUN);
    await q.query(CUTOFFS);
  }

  async down(q: QueryRunner): Promise<void> {
    // the bodies of 1764490600000, replaced in place (grants kept); its partition functions are
    // restated all together, the three unchanged ones as they are
    const again = (sql: string) => sql.replace(/CREATE FUNCTION/g, 'CREATE OR REPLACE FUNCTION');
    await q.query(again(LOAD_FUNCTION));
    await q.query(RECORD_FUNCTION);
    await q.query(again(PARTITION_FUNCTIONS));
  }
}

export const LOAD = `
CREATE OR REPLACE FUNCTION kizuki_score_load(
        p_tenant uuid, p_user_hash text, p_visitor text, p_storage text, p_token uuid, p_ip text,
        p_idempotency_key text, p_bundle uuid, p_asn text, p_country text, p_bundle_near timestamptz)
      RETURNS json LANGUAGE plpgsql STABLE
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
        -- the bundle was received while its token was valid (≤ 1 h before the risk call), so its
        -- row sits in one or two day partitions: bounds that PostgreSQL prunes by at run time
        -- (without them each lookup probes every day partition's index)
        v_from timestamptz := coalesce(p_bundle_near - interval '2 hours', '-infinity');
        v_to timestamptz := coalesce(p_bundle_near + interval '1 hour', 'infinity');
        v_bundle json;
        v_bundle_visitor text;
        v_bundle_storage text;
        v_key_id uuid;
        v_key_at timestamptz;
        v_existing json;
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- the stored bundle, read once: returned, and (no device given) the device it names
        IF p_bundle IS NOT NULL THEN
          -- EXECUTE: planned with these values, so only the one or two day partitions they name are
          -- opened and locked. A generic plan locks every partition (and its indexes) before it
          -- prunes: hundreds of locks per call at a month's retention, and "out of shared memory"
          -- once a few dozen loads ran at once.
          EXECUTE 'SELECT row_to_json(b), b.payload->''device''->>''visitorId'', b.payload->''device''->>''storageId'' FROM (
            SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
              FROM signal_bundles WHERE tenant_id = $1 AND id = $2 AND received_at >= $3 AND received_at < $4) b'
            INTO v_bundle, v_bundle_visitor, v_bundle_storage USING p_tenant, p_bundle, v_from, v_to;
        END IF;
        IF v_visitor IS NULL AND v_bundle IS NOT NULL THEN
          v_visitor := v_bundle_visitor;
          v_storage := v_bundle_storage;
        END IF;

        -- the answer of an earlier delivery of this job (idempotency): its key names the month
        -- partition, looked up with that value (EXECUTE, as above); most calls have no key and
        -- open no assessments partition at all
        SELECT assessment_id, created_at INTO v_key_id, v_key_at FROM assessment_keys WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key;
        IF v_key_id IS NOT NULL THEN
          EXECUTE 'SELECT row_to_json(x) FROM (
              SELECT id, account_id AS "accountId", device_id AS "deviceId", bundle_id AS "bundleId", event, status, decision,
                     policy_decision AS "policyDecision", shadow, score, scores, reasons, device_status AS "deviceStatus", host(ip) AS ip,
                     country, label, created_at AS "createdAt"
                FROM assessments WHERE tenant_id = $1 AND id = $2 AND created_at = $3) x'
            INTO v_existing USING p_tenant, v_key_id, v_key_at;
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
          'existing', v_existing,
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
      $fn$;`;

// kizuki_score_record as 1764490600000 left it, with one statement changed: the assessments insert
// answers a conflict as a duplicate (KZ001, caught below it) instead of raising a unique violation
const ASSESSMENT_INSERT_END = `(a->>'createdAt')::timestamptz, a->>'language');`;
const RECORD = replaceOnce(
  RECORD_FUNCTION,
  ASSESSMENT_INSERT_END,
  `(a->>'createdAt')::timestamptz, a->>'language')
        -- the same login recorded before its key was purged (kept 2 days): a redelivery that late
        -- is a duplicate too, answered from the stored row, not a unique violation
        ON CONFLICT DO NOTHING RETURNING id INTO v_inserted;
        IF v_inserted IS NULL THEN
          RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
        END IF;`,
);

/** Replaces the one occurrence of `find`; fails loudly if the earlier text does not hold it exactly once. */
function replaceOnce(text: string, find: string, by: string): string {
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`migration 1764490800000: expected one "${find}" in the earlier function body`);
  return text.slice(0, at) + by + text.slice(at + find.length);
}

// exported for 1764491100000, which derives its body from this one and restores it on down()
export const RUN = `
  CREATE OR REPLACE FUNCTION kizuki_partitions_run(p_now timestamptz) RETURNS TABLE (action text, partition_name text)
  LANGUAGE plpgsql SET search_path = pg_catalog, public SET lock_timeout = '250ms' AS $fn$
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
    FOR s IN SELECT * FROM (VALUES ('signal_bundles', 'received_at', 'day', 7), ('assessments', 'created_at', 'month', 2))
                      AS t(parent, col, unit, ahead) LOOP
      FOR i IN 0..s.ahead LOOP
        partition_name := s.parent || ' +' || i || ' ' || s.unit;
        BEGIN
          v_made := kizuki_partition_ensure(s.parent, s.col, s.unit,
                      (p_now AT TIME ZONE 'UTC' + CASE s.unit WHEN 'day' THEN make_interval(days => i) ELSE make_interval(months => i) END) AT TIME ZONE 'UTC');
          IF v_made IS NOT NULL THEN action := 'created'; partition_name := v_made; RETURN NEXT; END IF;
        EXCEPTION WHEN lock_not_available THEN
          action := 'busy'; RETURN NEXT;
        END;
      END LOOP;

      SELECT min(CASE s.parent WHEN 'signal_bundles' THEN c.bundles_before ELSE c.assessments_before END) INTO v_cutoff
        FROM kizuki_retention_cutoffs(p_now) c;
      CONTINUE WHEN v_cutoff IS NULL; -- no tenant, no row
      FOR p IN SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
                WHERE h.inhparent = ('public.' || s.parent)::regclass AND c.relname ~ ('^' || s.parent || '_p[0-9]+$') ORDER BY c.relname LOOP
        v_start := to_date(substring(p.relname FROM '_p([0-9]+)$'), CASE s.unit WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END)::timestamp AT TIME ZONE 'UTC';
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
`;

const CUTOFFS = `
  -- The one place retention periods are read: each tenant's cutoffs as of p_now. Bundles received
  -- before bundles_before and assessments made before assessments_before are past the tenant's
  -- \`retention.signalBundlesDays\` (default 30) and \`retention.assessmentsDays\` (default 180).
  -- Only the tenants that keep longest (whose cutoff falls in the earliest partition period) have
  -- it rounded down to their partition (a UTC day, a UTC month): their rows leave with the
  -- partition, dropped whole; deleting them one by one first would undo what partitions buy. Every
  -- other tenant's rows are deleted one by one anyway, so they go at their exact period. The
  -- retention job deletes rows by these (SECURITY DEFINER: it visits every tenant; it returns only
  -- ids and times), and partition upkeep drops what lies before the earliest of them.
  CREATE OR REPLACE FUNCTION kizuki_retention_cutoffs(p_now timestamptz)
    RETURNS TABLE (tenant_id uuid, bundles_before timestamptz, assessments_before timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
      WITH c AS (
        SELECT t.id,
               p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'signalBundlesDays', 30)) AS b,
               p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'assessmentsDays', 180)) AS a
          FROM tenants t)
      SELECT id,
             CASE WHEN date_trunc('day', b, 'UTC') = min(date_trunc('day', b, 'UTC')) OVER () THEN date_trunc('day', b, 'UTC') ELSE b END,
             CASE WHEN date_trunc('month', a, 'UTC') = min(date_trunc('month', a, 'UTC')) OVER () THEN date_trunc('month', a, 'UTC') ELSE a END
        FROM c ORDER BY id
  $fn$;
`;
