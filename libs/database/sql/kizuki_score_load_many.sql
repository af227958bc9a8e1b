-- Everything each login of a batch (one tenant) is scored against, in one round trip, answered in the order given:
-- per login {policy, account, device, linkStatus, otherAccounts, tokenUsedBy, accountDevices, tor, existing, bundle,
-- lists, webhookEvents}, or NULL for every login when the tenant does not exist. Set-based: one lookup per table for
-- the whole batch, not one per login; the arrays are parallel, one element per login. A read only (STABLE: one
-- snapshot for the batch): two logins of one account in a batch both see the account as stored, and the record
-- (kizuki_score_record_many) applies the per-login rules (duplicates, reused tokens) in order.
-- SECURITY INVOKER: row-level security binds every statement; app.tenant_id is set once for the batch. Generic
-- plans: the lookups take the keys as arrays, so one plan fits every batch and PostgreSQL does not re-plan.
-- p_ip: canonical addresses (libs/scoring canonicalIp), as list entries store them.
CREATE OR REPLACE FUNCTION kizuki_score_load_many(
  p_tenant uuid, p_user text[], p_visitor text[], p_storage text[], p_token uuid[], p_ip inet[], p_key text[],
  p_bundle uuid[], p_near timestamp with time zone[], p_asn text[], p_country text[])
RETURNS json
LANGUAGE plpgsql
STABLE
SET plan_cache_mode TO 'force_generic_plan'
AS $fn$
  DECLARE
    n int := coalesce(array_length(p_user, 1), 0);
    -- per login: the device to look up, given or (none given) the one its stored bundle names
    v_visitor text[] := p_visitor;
    v_storage text[] := p_storage;
    v_bundle json[];
    v_from timestamptz := 'infinity';
    v_to timestamptz := '-infinity';
    v_rows json[];
    v_key_id uuid[];
    v_key_at timestamptz[];
    v_existing json;
  BEGIN
    IF n = 0 THEN
      RETURN '[]'::json;
    END IF;
    PERFORM set_config('app.tenant_id', p_tenant::text, true);

    -- The stored bundles, read once: returned, and (no device given) the device each names. A bundle was
    -- received while its token was valid (≤ 1 h before the risk call), so it sits in the day partitions around
    -- its call: the batch's bounds (plain expressions in a loop, no statement) prune the partitions, each
    -- login's own bounds pick its row.
    FOR i IN 1 .. n LOOP
      IF p_bundle[i] IS NOT NULL THEN
        v_from := least(v_from, coalesce(p_near[i] - interval '2 hours', '-infinity'));
        v_to := greatest(v_to, coalesce(p_near[i] + interval '1 hour', 'infinity'));
      END IF;
    END LOOP;
    IF v_from < v_to THEN
      -- EXECUTE: planned with these values, so only the day partitions they span are opened and locked. A
      -- generic plan locks every partition (and its indexes) before it prunes: hundreds of locks per call at a
      -- month's retention, and "out of shared memory" once a few dozen loads ran at once.
      EXECUTE 'SELECT array_agg(b.j ORDER BY l.i),
                      array_agg(CASE WHEN l.visitor IS NULL AND b.j IS NOT NULL THEN b.visitor ELSE l.visitor END ORDER BY l.i),
                      array_agg(CASE WHEN l.visitor IS NULL AND b.j IS NOT NULL THEN b.storage ELSE l.storage END ORDER BY l.i)
                 FROM unnest($2, $5, $6, $7) WITH ORDINALITY AS l(bundle, near, visitor, storage, i)
                 LEFT JOIN (
                   SELECT r.id, r."receivedAt", row_to_json(r) AS j, r.payload->''device''->>''visitorId'' AS visitor,
                          r.payload->''device''->>''storageId'' AS storage
                     FROM (SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
                             FROM signal_bundles
                            WHERE tenant_id = $1 AND id = ANY($2) AND received_at >= $3 AND received_at < $4) r) b
                   ON b.id = l.bundle AND b."receivedAt" >= coalesce(l.near - interval ''2 hours'', ''-infinity'')
                  AND b."receivedAt" < coalesce(l.near + interval ''1 hour'', ''infinity'')'
        INTO v_bundle, v_visitor, v_storage USING p_tenant, p_bundle, v_from, v_to, p_near, p_visitor, p_storage;
    END IF;

    -- Everything else in one statement: each lookup by exact keys (an index probe per key, never a join whose
    -- key the planner cannot see: a tenant-wide scan at a million accounts).
    WITH l AS (
      SELECT * FROM unnest(p_user, v_visitor, v_storage, p_token, p_ip, p_key, p_asn, p_country)
        WITH ORDINALITY AS l(user_hash, visitor, storage, token, ip, key, asn, country, i)),
    acc AS (
      SELECT a.id, a.user_hash, json_build_object('id', a.id, 'loginCount', a.login_count,
               'trustedLogins', a.trusted_logins, 'typingProfile', a.typing_profile, 'pointerProfile', a.pointer_profile,
               'countries', a.countries, 'languages', a.languages, 'networks', a.networks, 'lastLogin', a.last_login) AS j
        FROM accounts a WHERE a.tenant_id = p_tenant AND a.user_hash = ANY(p_user)),
    by_visitor AS (
      SELECT d.id, d.visitor_id, d.status, d.components FROM devices d
       WHERE d.tenant_id = p_tenant AND d.visitor_id = ANY(v_visitor)),
    -- a cleared fingerprint, the same first-party storage id: only for logins whose visitor id is unknown
    by_storage AS (
      SELECT DISTINCT ON (d.storage_id) d.id, d.visitor_id, d.storage_id, d.status, d.components FROM devices d
       WHERE d.tenant_id = p_tenant AND d.storage_id = ANY(ARRAY(
               SELECT l.storage FROM l WHERE l.storage IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM by_visitor v WHERE v.visitor_id = l.visitor)))
       ORDER BY d.storage_id, d.last_seen_at DESC),
    -- the account's most recently used devices (up to 20), candidates for a fuzzy match
    acc_devices AS (
      SELECT acc.id AS account_id,
             json_agg(json_build_object('id', x.id, 'components', x.components, 'status', x.status,
                                        'deviceFraud', x.fraud) ORDER BY x.seen DESC) AS j,
             array_agg(x.id::text) AS ids
        FROM acc CROSS JOIN LATERAL (
          SELECT d.id, d.components, a.status, (d.status = 'fraud') AS fraud, a.last_seen_at AS seen
            FROM account_devices a JOIN devices d ON d.tenant_id = a.tenant_id AND d.id = a.device_id
           WHERE a.tenant_id = p_tenant AND a.account_id = acc.id ORDER BY a.last_seen_at DESC LIMIT 20) x
       GROUP BY acc.id),
    -- MATERIALIZED: its device id is then a plain value to the lookups below, an index key under row-level
    -- security (the expression it is made of is not: each lookup scanned the table)
    ll AS MATERIALIZED (
      SELECT l.*, acc.id AS account_id, acc.j AS account, coalesce(v.id, s.id) AS device_id,
             CASE WHEN v.id IS NOT NULL THEN json_build_object('id', v.id, 'visitorId', v.visitor_id, 'status', v.status,
                                                               'components', v.components, 'matchedByStorage', false)
                  WHEN s.id IS NOT NULL THEN json_build_object('id', s.id, 'visitorId', s.visitor_id, 'status', s.status,
                                                               'components', s.components, 'matchedByStorage', true)
             END AS device,
             coalesce(ad.j, '[]'::json) AS account_devices, ad.ids AS account_device_ids
        FROM l
        LEFT JOIN acc ON acc.user_hash = l.user_hash
        LEFT JOIN by_visitor v ON v.visitor_id = l.visitor
        LEFT JOIN by_storage s ON v.id IS NULL AND s.storage_id = l.storage
        LEFT JOIN acc_devices ad ON ad.account_id = acc.id),
    keys AS (
      SELECT k.idempotency_key, k.assessment_id, k.created_at FROM assessment_keys k
       WHERE k.tenant_id = p_tenant AND k.idempotency_key = ANY(p_key)),
    used AS (
      SELECT u.token_id, u.assessment_id FROM token_uses u WHERE u.tenant_id = p_tenant AND u.token_id = ANY(p_token)),
    t AS (
      SELECT t.policy,
             -- events some enabled endpoint subscribes to: no webhook work for a tenant without them
             (SELECT coalesce(json_agg(DISTINCT e), '[]'::json)
                FROM webhook_endpoints w, unnest(w.events) e WHERE w.tenant_id = p_tenant AND w.enabled) AS webhook_events
        FROM tenants t WHERE t.id = p_tenant)
    SELECT array_agg(CASE WHEN t.policy IS NOT NULL THEN json_build_object(
             'policy', t.policy,
             'account', ll.account,
             'device', ll.device,
             'linkStatus', (SELECT status FROM account_devices
                             WHERE tenant_id = p_tenant AND account_id = ll.account_id AND device_id = ll.device_id),
             -- other accounts seen on the device, counted up to 1,000 (DEVICE_SHARED needs a handful;
             -- an attack tool's device must not make every login count its victims)
             'otherAccounts', (SELECT count(*)::int FROM (
                 SELECT 1 FROM account_devices WHERE tenant_id = p_tenant AND device_id = ll.device_id
                    AND account_id IS DISTINCT FROM ll.account_id LIMIT 1000) o),
             'tokenUsedBy', used.assessment_id,
             'accountDevices', ll.account_devices,
             'tor', (ll.ip IS NOT NULL AND EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = ll.ip)),
             'existing', NULL,
             'bundle', v_bundle[ll.i::int],
             -- list entries that may match; device entries for this device or any of the account's
             -- (the scorer keeps the one its fuzzy match settles on)
             'lists', (SELECT coalesce(json_agg(json_build_object('list', e.list, 'kind', e.kind, 'value', e.value,
                                                                  'comment', e.comment)), '[]'::json)
                         FROM list_entries e
                        WHERE e.tenant_id = p_tenant AND (e.expires_at IS NULL OR e.expires_at > now()) AND (
                              -- CASE: a value is cast only for its own kind
                              (e.kind IN ('ip', 'cidr') AND ll.ip IS NOT NULL
                               AND CASE e.kind WHEN 'ip' THEN e.value::inet = ll.ip ELSE ll.ip <<= e.value::cidr END)
                           OR (e.kind = 'device' AND (e.value = ll.device_id::text OR e.value = ANY(ll.account_device_ids)))
                           OR (e.kind = 'user' AND e.value = ll.user_hash)
                           OR (e.kind = 'asn' AND e.value = ll.asn)
                           OR (e.kind = 'country' AND e.value = ll.country))),
             'webhookEvents', t.webhook_events) END ORDER BY ll.i),
           -- the answer of an earlier delivery of a login's job (idempotency), looked up below
           array_agg(keys.assessment_id ORDER BY ll.i), array_agg(keys.created_at ORDER BY ll.i)
      INTO v_rows, v_key_id, v_key_at
      FROM ll LEFT JOIN t ON true
      LEFT JOIN keys ON keys.idempotency_key = ll.key
      LEFT JOIN used ON used.token_id = ll.token;

    -- Rare (a redelivered job, an inline run and its job queued after the deadline): the key names the month
    -- partition, looked up with that value (EXECUTE, as above); most batches open no assessments partition.
    FOR i IN 1 .. n LOOP
      IF v_key_id[i] IS NOT NULL AND v_rows[i] IS NOT NULL THEN
        EXECUTE 'SELECT row_to_json(x) FROM (
            SELECT id, account_id AS "accountId", device_id AS "deviceId", bundle_id AS "bundleId", event, status,
                   decision, policy_decision AS "policyDecision", shadow, score, scores, reasons,
                   device_status AS "deviceStatus", host(ip) AS ip, country, label, created_at AS "createdAt"
              FROM assessments WHERE tenant_id = $1 AND id = $2 AND created_at = $3) x'
          INTO v_existing USING p_tenant, v_key_id[i], v_key_at[i];
        v_rows[i] := (v_rows[i]::jsonb || jsonb_build_object('existing', v_existing))::json;
      END IF;
    END LOOP;
    RETURN array_to_json(v_rows);
  END
$fn$;
GRANT EXECUTE ON FUNCTION kizuki_score_load_many(uuid, text[], text[], text[], uuid[], inet[], text[], uuid[],
                                                 timestamp with time zone[], text[], text[])
  TO kizuki_app;
