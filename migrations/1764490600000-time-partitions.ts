import type { MigrationInterface, QueryRunner } from 'typeorm';

// Time partitions (issue #7, DESIGN.md §5): signal bundles by day of `received_at`, assessments by
// month of `created_at`. Retention then drops a whole partition once every tenant's period has
// passed it, instead of deleting rows (and their index entries, WAL and vacuum work) one by one.
//
// - Uniqueness. A partitioned table's unique keys must contain its partition column. Bundles are
//   keyed (id, received_at): the api assigns both once, and every retry of an ingest job carries
//   them unchanged. One assessment per idempotency key moves to `assessment_keys`, a narrow
//   unpartitioned table that the score path writes first; its rows matter only while a login can
//   be retried or redelivered, and retention deletes them after two days, like token uses.
// - feedback.assessment_id can no longer reference assessments (the key is not unique alone):
//   a label is only written after the UPDATE of its assessment found it, and retention and
//   erasure delete feedback with its assessments.
// - Partitions are made ahead (7 days, 2 months) by kizuki_maintain_partitions(), which the worker
//   calls at start and at every retention run; a DEFAULT partition takes any row outside them, so
//   no write ever fails for want of a partition, and the next partition made for that period
//   takes its rows over. The function runs as the owner (the app role owns nothing) and takes no
//   argument: what it drops follows only from the clock and the tenants' retention settings.
// - Every partition gets the parent's row-level security policy, so reading a partition directly
//   is bound exactly as reading the parent.
const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

interface PartitionedTable {
  table: string;
  column: string;
  unit: 'day' | 'month';
  /** its column of kizuki_retention_cutoffs() */
  cutoff: 'bundles_before' | 'assessments_before';
  primaryKey: string;
  indexes: string[];
  foreignKeys: string[];
}

const BUNDLES: PartitionedTable = {
  table: 'signal_bundles',
  column: 'received_at',
  unit: 'day',
  cutoff: 'bundles_before',
  primaryKey: '(id, received_at)',
  indexes: ['CREATE INDEX signal_bundles_tenant_time ON signal_bundles (tenant_id, received_at)'],
  foreignKeys: ['(tenant_id) REFERENCES tenants(id) ON DELETE CASCADE'],
};

const ASSESSMENTS: PartitionedTable = {
  table: 'assessments',
  column: 'created_at',
  unit: 'month',
  cutoff: 'assessments_before',
  primaryKey: '(id, created_at)',
  indexes: [
    'CREATE INDEX assessments_tenant_time ON assessments (tenant_id, created_at DESC, id DESC)',
    'CREATE INDEX assessments_account_time ON assessments (tenant_id, account_id, created_at DESC)',
    'CREATE INDEX assessments_decision_time ON assessments (tenant_id, decision, created_at DESC, id DESC)',
    'CREATE INDEX assessments_ip_time ON assessments (tenant_id, ip, created_at DESC, id DESC)',
    'CREATE INDEX assessments_device_time ON assessments (tenant_id, device_id, created_at DESC, id DESC)',
    'CREATE INDEX assessments_country_time ON assessments (tenant_id, country, created_at DESC, id DESC)',
    `CREATE INDEX assessments_reason_codes ON assessments USING gin (jsonb_path_query_array(reasons, '$[*].code') jsonb_path_ops)`,
  ],
  foreignKeys: [
    '(tenant_id) REFERENCES tenants(id) ON DELETE CASCADE',
    '(account_id) REFERENCES accounts(id) ON DELETE CASCADE',
    '(device_id) REFERENCES devices(id) ON DELETE SET NULL',
  ],
};

export class TimePartitions1764490600000 implements MigrationInterface {
  name = 'TimePartitions1764490600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assessment_keys (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL,
        assessment_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, idempotency_key)
      );
      CREATE INDEX assessment_keys_tenant_time ON assessment_keys (tenant_id, created_at);
      INSERT INTO assessment_keys (tenant_id, idempotency_key, assessment_id, created_at)
        SELECT tenant_id, idempotency_key, id, created_at FROM assessments WHERE created_at > now() - interval '2 days';
      ALTER TABLE assessment_keys ENABLE ROW LEVEL SECURITY;
      ALTER TABLE assessment_keys FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON assessment_keys USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      ALTER TABLE feedback DROP CONSTRAINT IF EXISTS feedback_assessment_id_fkey;
      CREATE INDEX feedback_tenant_time ON feedback (tenant_id, created_at);
    `);
    await q.query(PARTITION_FUNCTIONS);
    await partition(q, BUNDLES);
    await partition(q, ASSESSMENTS);
    await q.query(`
      -- bundles are now unique by (id, received_at): the same pair on every retry of an ingest job
      CREATE OR REPLACE FUNCTION kizuki_store_bundles(p_tenant uuid, p_rows jsonb) RETURNS void LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- in the order given (the caller sorts by id): two batches holding the same bundle wait
        -- for each other instead of deadlocking
        INSERT INTO signal_bundles (id, tenant_id, received_at, ip, user_agent, origin, payload)
        SELECT b.id, p_tenant, b.received_at, b.ip, b.user_agent, b.origin, b.payload
          FROM ROWS FROM (jsonb_to_recordset(p_rows) AS (id uuid, received_at timestamptz, ip inet, user_agent text, origin text, payload jsonb))
               WITH ORDINALITY AS b(id, received_at, ip, user_agent, origin, payload, n)
         ORDER BY b.n
        ON CONFLICT (id, received_at) DO NOTHING;
      END
      $fn$;

      DROP FUNCTION kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text);
      @@LOAD@@

      @@RECORD@@

      CREATE OR REPLACE FUNCTION kizuki_score_load_many(p_tenant uuid, p jsonb)
      RETURNS json LANGUAGE plpgsql AS $fn$
      DECLARE
        e jsonb;
        out json[] := '{}';
      BEGIN
        FOR e IN SELECT value FROM jsonb_array_elements(p) LOOP
          out := out || kizuki_score_load(p_tenant, e->>'userHash', e->>'visitorId', e->>'storageId', (e->>'tokenId')::uuid, e->>'ip',
                                          e->>'idempotencyKey', (e->>'bundleId')::uuid, e->>'asn', e->>'country', (e->>'bundleNear')::timestamptz);
        END LOOP;
        RETURN array_to_json(out);
      END
      $fn$;

      -- the retention job reads cutoffs now (kizuki_retention_cutoffs), not raw settings
      DROP FUNCTION kizuki_tenant_retention();
      REVOKE ALL ON FUNCTION kizuki_partition_ensure(text, text, text, timestamptz), kizuki_partitions_run(timestamptz),
        kizuki_maintain_partitions(), kizuki_retention_cutoffs(timestamptz) FROM PUBLIC;
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kizuki_app') THEN
          GRANT SELECT, INSERT, UPDATE, DELETE ON assessment_keys TO kizuki_app;
          GRANT EXECUTE ON FUNCTION kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text, timestamptz),
            kizuki_maintain_partitions(), kizuki_retention_cutoffs(timestamptz) TO kizuki_app;
        END IF;
      END $$;
    `.replace('@@LOAD@@', LOAD_FUNCTION).replace('@@RECORD@@', RECORD_FUNCTION));
    // the partitions ahead of today (the migration's own transaction keeps its default lock_timeout)
    await q.query(`SELECT count(*) FROM kizuki_partitions_run(now())`);
  }

  async down(): Promise<void> {
    // Turning partitions back into plain tables would rewrite every row of both: restore a backup
    // taken before this migration instead.
    throw new Error('TimePartitions1764490600000 cannot be reverted in place: restore the backup taken before it');
  }
}

/** Moves `t` into a table partitioned by `t.unit` of its time column, keeping every row. */
async function partition(q: QueryRunner, t: PartitionedTable): Promise<void> {
  const old = `${t.table}_unpartitioned`;
  await q.query(`
    ALTER TABLE ${t.table} RENAME TO ${old};
    CREATE TABLE ${t.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION) PARTITION BY RANGE (${t.column});
    CREATE TABLE ${t.table}_default PARTITION OF ${t.table} DEFAULT;
    ALTER TABLE ${t.table}_default ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${t.table}_default FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${t.table}_default USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
  `);
  // a partition for every period that holds rows some tenant still keeps; older rows go to the
  // default partition, where retention deletes them
  await q.query(
    `SELECT kizuki_partition_ensure('${t.table}', '${t.column}', '${t.unit}', p)
       FROM (SELECT DISTINCT date_trunc('${t.unit}', ${t.column}, 'UTC') AS p FROM ${old}
              WHERE ${t.column} >= (SELECT min(${t.cutoff}) FROM kizuki_retention_cutoffs(now()))) s`,
  );
  await q.query(`
    INSERT INTO ${t.table} SELECT * FROM ${old};
    DROP TABLE ${old};
    ALTER TABLE ${t.table} ADD PRIMARY KEY ${t.primaryKey};
    ${t.indexes.join(';\n    ')};
    ${t.foreignKeys.map((fk) => `ALTER TABLE ${t.table} ADD FOREIGN KEY ${fk}`).join(';\n    ')};
    ALTER TABLE ${t.table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${t.table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON ${t.table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kizuki_app') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON ${t.table} TO kizuki_app;
      END IF;
    END $$;
  `);
}

// exported for 1764490800000's down(), which restores these bodies
export const PARTITION_FUNCTIONS = `
  -- A tenant's retention period in days: a number from 1 to 3650, else the default.
  CREATE FUNCTION kizuki_retention_days(p_retention jsonb, p_key text, p_fallback integer) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE WHEN jsonb_typeof(p_retention->p_key) = 'number' AND (p_retention->>p_key)::numeric BETWEEN 1 AND 3650
                THEN floor((p_retention->>p_key)::numeric)::integer ELSE p_fallback END
  $fn$;

  -- The one place retention periods are read: each tenant's cutoffs as of p_now. Bundles received
  -- before bundles_before and assessments made before assessments_before are past the tenant's
  -- \`retention.signalBundlesDays\` (default 30) and \`retention.assessmentsDays\` (default 180),
  -- rounded down to their partition (a UTC day, a UTC month), so the tenant that keeps longest loses
  -- rows only with their partition. The retention job deletes rows by these (SECURITY DEFINER: it
  -- visits every tenant; it returns only ids and times), and partition upkeep drops what lies
  -- before the earliest of them.
  CREATE FUNCTION kizuki_retention_cutoffs(p_now timestamptz)
    RETURNS TABLE (tenant_id uuid, bundles_before timestamptz, assessments_before timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
      SELECT t.id,
             date_trunc('day', p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'signalBundlesDays', 30)), 'UTC'),
             date_trunc('month', p_now - make_interval(hours => 24 * kizuki_retention_days(t.retention, 'assessmentsDays', 180)), 'UTC')
        FROM tenants t ORDER BY t.id
  $fn$;

  -- Makes the partition of \`p_parent\` for the period (p_unit: day or month, UTC) holding p_at,
  -- unless it exists; returns its name, or null. Made apart, given the rows the default partition
  -- holds for that period, and attached, while writes wait (CREATE TABLE … PARTITION OF would stop
  -- reads too).
  CREATE FUNCTION kizuki_partition_ensure(p_parent text, p_column text, p_unit text, p_at timestamptz) RETURNS text
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $fn$
  DECLARE
    v_start timestamptz := date_trunc(p_unit, p_at, 'UTC');
    v_end timestamptz := (date_trunc(p_unit, p_at, 'UTC') AT TIME ZONE 'UTC' + ('1 ' || p_unit)::interval) AT TIME ZONE 'UTC';
    v_name text := p_parent || '_p' || to_char(v_start AT TIME ZONE 'UTC', CASE p_unit WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END);
  BEGIN
    IF p_unit NOT IN ('day', 'month') THEN RAISE EXCEPTION 'partition unit must be day or month, not %', p_unit; END IF;
    IF to_regclass('public.' || quote_ident(v_name)) IS NOT NULL THEN RETURN NULL; END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION)', v_name, p_parent);
    -- No write into the table from here to the commit (reads go on): a row for this period stored
    -- in the default partition after the move would fail the attach, and a write that had chosen
    -- the default partition before the attach would fail itself once it is attached
    -- (test/e2e/partitions.e2e-spec.ts writes during upkeep). Held for milliseconds, once a period.
    EXECUTE format('LOCK TABLE public.%I IN SHARE ROW EXCLUSIVE MODE', p_parent);
    EXECUTE format('WITH moved AS (DELETE FROM public.%I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
                   p_parent || '_default', p_column, p_column, v_name) USING v_start, v_end;
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', p_parent, v_name, v_start, v_end);
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', v_name);
    EXECUTE format('CREATE POLICY tenant_isolation ON public.%1$I USING (tenant_id = NULLIF(current_setting(%2$L, true), %3$L)::uuid)'
                   ' WITH CHECK (tenant_id = NULLIF(current_setting(%2$L, true), %3$L)::uuid)', v_name, 'app.tenant_id', '');
    RETURN v_name;
  END
  $fn$;

  -- Partition upkeep as of p_now: makes the partitions of the coming periods (bundles 7 days
  -- ahead, assessments 2 months) and drops those wholly before every tenant's cutoff
  -- (kizuki_retention_cutoffs: the longest period any tenant keeps). One caller at a time; a lock it cannot get within 250 ms (a long console query on
  -- the table) is skipped and reported 'busy', for the next run: waiting longer would hold up every
  -- login queued behind it. Owner only: kizuki_maintain_partitions() calls it with the clock.
  CREATE FUNCTION kizuki_partitions_run(p_now timestamptz) RETURNS TABLE (action text, partition_name text)
  LANGUAGE plpgsql SET search_path = pg_catalog, public SET lock_timeout = '250ms' AS $fn$
  DECLARE
    s record;
    p record;
    i integer;
    v_made text;
    v_cutoff timestamptz;
    v_start timestamptz;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('kizuki_partitions'));
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

  -- What the worker calls (at start and at each retention run), as the owner, on the clock.
  CREATE FUNCTION kizuki_maintain_partitions() RETURNS TABLE (action text, partition_name text)
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
    SELECT * FROM kizuki_partitions_run(now())
  $fn$;
`;

// exported for 1764490800000's down(), which restores these bodies
export const LOAD_FUNCTION = `
CREATE FUNCTION kizuki_score_load(
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
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true);
        -- the stored bundle, read once: returned, and (no device given) the device it names
        IF p_bundle IS NOT NULL THEN
          SELECT row_to_json(b), b.payload->'device'->>'visitorId', b.payload->'device'->>'storageId' INTO v_bundle, v_bundle_visitor, v_bundle_storage FROM (
            SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
              FROM signal_bundles WHERE tenant_id = p_tenant AND id = p_bundle AND received_at >= v_from AND received_at < v_to) b;
        END IF;
        IF v_visitor IS NULL AND v_bundle IS NOT NULL THEN
          v_visitor := v_bundle_visitor;
          v_storage := v_bundle_storage;
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
                FROM assessments WHERE tenant_id = p_tenant AND (id, created_at) = (
                  SELECT assessment_id, created_at FROM assessment_keys WHERE tenant_id = p_tenant AND idempotency_key = p_idempotency_key)) x),
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

// exported for 1764490800000's down(), which restores these bodies
export const RECORD_FUNCTION = `
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

        -- one assessment per idempotency key: the key table holds the uniqueness a time-partitioned
        -- table cannot (its unique keys must include the partition column)
        INSERT INTO assessment_keys (tenant_id, idempotency_key, assessment_id, created_at)
        VALUES (p_tenant, a->>'idempotencyKey', (a->>'id')::uuid, (a->>'createdAt')::timestamptz)
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING assessment_id INTO v_inserted;
        IF v_inserted IS NULL THEN
          RAISE EXCEPTION 'assessment already recorded' USING ERRCODE = 'KZ001';
        END IF;
        INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, bundle_id, event, status, decision,
          policy_decision, shadow, score, scores, reasons, device_status, ip, country, asn, user_agent, created_at, language)
        VALUES ((a->>'id')::uuid, p_tenant, a->>'idempotencyKey', v_account, v_device, (a->>'bundleId')::uuid, a->>'event', a->>'status',
          a->>'decision', a->>'policyDecision', (a->>'shadow')::boolean, round((a->>'score')::numeric)::smallint, a->'scores', a->'reasons',
          v_status, (a->>'ip')::inet, a->>'country', (a->>'asn')::integer, a->>'userAgent', (a->>'createdAt')::timestamptz, a->>'language');
        EXCEPTION WHEN SQLSTATE 'KZ001' THEN
          RETURN json_build_object('state', 'duplicate');
        END;
        RETURN json_build_object('state', 'recorded', 'accountId', v_account, 'deviceId', v_device, 'deviceStatus', v_status);
      END
      $fn$;`;
