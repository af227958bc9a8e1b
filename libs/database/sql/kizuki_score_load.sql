-- Everything a login is scored against, in one round trip. SECURITY INVOKER: row-level security binds every
-- statement; it sets app.tenant_id for the statement's transaction as withTenant() does. STABLE: all its reads
-- see the calling statement's snapshot: one consistent view per login (the bundle and the device it names are
-- read as of one moment). Generic plans: every statement looks rows up by exact keys, so one plan fits all
-- calls and PostgreSQL does not re-plan each time.
CREATE OR REPLACE FUNCTION kizuki_score_load(
  p_tenant uuid, p_user_hash text, p_visitor text, p_storage text, p_token uuid, p_ip text,
  p_idempotency_key text, p_bundle uuid, p_asn text, p_country text, p_bundle_near timestamp with time zone)
RETURNS json
LANGUAGE plpgsql
STABLE
SET plan_cache_mode TO 'force_generic_plan'
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
    -- the client as one inet (list entries and Tor exits are compared as inet, not as text)
    v_ip inet := kizuki_ip_canonical(p_ip::inet);
  BEGIN
    -- once per transaction: the logins of a batch (kizuki_score_load_many) share their tenant, and a
    -- statement per login to set what is set already would be one in seven of those a load runs
    IF current_setting('app.tenant_id', true) IS DISTINCT FROM p_tenant::text THEN
      PERFORM set_config('app.tenant_id', p_tenant::text, true);
    END IF;
    -- the stored bundle, read once: returned, and (no device given) the device it names
    IF p_bundle IS NOT NULL THEN
      -- EXECUTE: planned with these values, so only the one or two day partitions they name are
      -- opened and locked. A generic plan locks every partition (and its indexes) before it
      -- prunes: hundreds of locks per call at a month's retention, and "out of shared memory"
      -- once a few dozen loads ran at once.
      EXECUTE 'SELECT row_to_json(b), b.payload->''device''->>''visitorId'', b.payload->''device''->>''storageId''
        FROM (
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
    SELECT assessment_id, created_at INTO v_key_id, v_key_at
      FROM assessment_keys WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key;
    IF v_key_id IS NOT NULL THEN
      EXECUTE 'SELECT row_to_json(x) FROM (
          SELECT id, account_id AS "accountId", device_id AS "deviceId", bundle_id AS "bundleId", event, status,
                 decision, policy_decision AS "policyDecision", shadow, score, scores, reasons,
                 device_status AS "deviceStatus", host(ip) AS ip, country, label, created_at AS "createdAt"
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
        FROM account_devices a JOIN devices d ON d.tenant_id = a.tenant_id AND d.id = a.device_id
       WHERE a.tenant_id = p_tenant AND a.account_id = v_account_id ORDER BY a.last_seen_at DESC LIMIT 20) x;

    RETURN (SELECT json_build_object(
      'policy', t.policy,
      'account', v_account,
      'device', v_device,
      'linkStatus', (SELECT status FROM account_devices
                      WHERE tenant_id = p_tenant AND account_id = v_account_id AND device_id = v_device_id),
      -- other accounts seen on the device, counted up to 1,000 (DEVICE_SHARED needs a handful;
      -- an attack tool's device must not make every login count its victims)
      'otherAccounts', (SELECT count(*)::int FROM (
          SELECT 1 FROM account_devices WHERE tenant_id = p_tenant AND device_id = v_device_id
             AND account_id IS DISTINCT FROM v_account_id LIMIT 1000) o),
      'tokenUsedBy', (SELECT assessment_id FROM token_uses WHERE tenant_id = p_tenant AND token_id = p_token),
      'accountDevices', v_account_devices,
      'tor', (v_ip IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = v_ip)),
      'existing', v_existing,
      'bundle', v_bundle,
      -- list entries that may match; device entries for this device or any of the account's
      -- (the worker keeps the one its fuzzy match settles on)
      'lists', (SELECT coalesce(json_agg(l), '[]'::json) FROM (
          SELECT list, kind, value, comment FROM list_entries
           WHERE tenant_id = p_tenant AND (expires_at IS NULL OR expires_at > now()) AND (
                 -- CASE: a value is cast only for its own kind
                 (kind IN ('ip', 'cidr') AND v_ip IS NOT NULL
                  AND CASE kind WHEN 'ip' THEN value::inet = v_ip ELSE v_ip <<= value::cidr END)
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
GRANT EXECUTE ON FUNCTION kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text, timestamptz)
  TO kizuki_app;
