import type { Decision } from '@kizuki/contract';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsoleReads } from '../console-reads';
import { distinctByKey } from '../hll-registers';
import { consoleRangeSql } from './console-range';
import { rowsOf } from './rows';
import { type QueryRow, withTenant } from '../tenant-scope';

export interface LoginFilter {
  /** login, registration, password_reset_request, password_reset, profile_update */
  event?: string;
  decision?: Decision;
  reason?: string;
  /** pseudonymised user id; with labelKey, either matches */
  userHash?: string;
  /** keyed hash of a display label value (exact search) */
  labelKey?: string;
  /** the review queue: unlabelled logins the policy did not allow */
  review?: boolean;
  /** the accounts userHash / labelKey name (set by listLogins) */
  accountIds?: string[];
  /** logins assigned to this admin */
  assigneeId?: string;
  accountId?: string;
  /** an IP (exact) or a CIDR (contained) */
  ip?: string;
  deviceId?: string;
  country?: string;
  label?: string;
  from?: Date;
  to?: Date;
}

export interface LoginCursor {
  createdAt: string;
  id: string;
}

export interface LoginListRow {
  id: string;
  createdAt: Date;
  decision: Decision;
  policyDecision: Decision;
  shadow: boolean;
  event: string;
  /** profile_update: what changed */
  changes: string[] | null;
  status: string;
  score: number;
  reasonCodes: string[];
  label: string | null;
  ip: string | null;
  country: string | null;
  asn: number | null;
  deviceId: string | null;
  deviceStatus: string | null;
  accountId: string;
  userHash: string;
  /** the account's sealed display label */
  displayLabel: string | null;
  /** the review queue's assignee and note */
  assigneeId: string | null;
  assigneeEmail: string | null;
  reviewNote: string | null;
  /** created_at with microseconds, for the keyset cursor */
  cursorAt: string;
}

const HOUR_MS = 3_600_000;
/** The IPs the dashboard shows. */
export const DASHBOARD_TOP_IPS = 10;
/** The dashboard's review-queue count stops here (then shown as 10,000+). */
export const REVIEW_COUNT_CAP = 10_000;

/** The dashboard statement's one row (the registers path's sketches, when there is no hll extension). */
interface DashboardRow {
  series: { t: string; allow: number; challenge: number; deny: number; users?: number; ips?: number }[];
  reasons: { code: string; n: number }[];
  countries: unknown[];
  asns: unknown[];
  ips: { key: string; n: number; flagged: number }[];
  totals: Record<string, number>;
  weeks?: unknown;
  distinctUsers?: number;
  distinctIps?: number;
  hourBuckets?: string[] | null;
  hourWeeks?: string[] | null;
  userSketches?: (Buffer | null)[] | null;
  ipSketches?: (Buffer | null)[] | null;
}

const LIST_COLUMNS = `a.id, a.created_at AS "createdAt", a.decision, a.policy_decision AS "policyDecision", a.shadow,
  a.event, a.changes, a.status, a.score,
  ARRAY(SELECT r->>'code' FROM jsonb_array_elements(a.reasons) r) AS "reasonCodes", a.label,
  host(a.ip) AS ip, a.country, a.asn, a.device_id AS "deviceId", a.device_status AS "deviceStatus",
  a.account_id AS "accountId", acc.user_hash AS "userHash",
  acc.display_label AS "displayLabel", a.assignee_id AS "assigneeId", a.review_note AS "reviewNote",
  (SELECT email FROM admins ad WHERE ad.tenant_id = a.tenant_id AND ad.id = a.assignee_id) AS "assigneeEmail",
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

/** The analyst's read side: every query starts with tenant_id and walks an index that starts with it. */
@Injectable()
export class AdminInsightsRepository {
  constructor(
    private readonly db: DataSource,
    private readonly reads: ConsoleReads,
  ) {}

  /** One statement as the tenant (row-level security), read-only, on the read replica if there is one. */
  private read<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return this.reads.run((db) => withTenant(db, tenantId, (m) => m.query(sql, params), { readOnly: true }));
  }

  /** One statement as the tenant (row-level security). */
  private write<T = QueryRow[]>(tenantId: string, sql: string, params: unknown[]): Promise<T> {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params));
  }

  private where(tenantId: string, f: LoginFilter, params: unknown[]): string {
    params.push(tenantId);
    const clauses = ['a.tenant_id = $1'];
    const add = (sql: (p: string) => string, v: unknown) => {
      params.push(v);
      clauses.push(sql(`$${params.length}`));
    };
    if (f.event) add((p) => `a.event = ${p}`, f.event);
    if (f.decision) add((p) => `a.decision = ${p}`, f.decision);
    if (f.reason)
      add((p) => `jsonb_path_query_array(a.reasons, '$[*].code') @> ${p}::jsonb`, JSON.stringify([f.reason]));
    // the user filter's accounts were resolved first (listLogins): a short literal list the planner
    // walks with assessments_account_time, where a subquery made it scan the tenant's rows
    if (f.accountIds) {
      if (f.accountIds.length === 1) add((p) => `a.account_id = ${p}::uuid`, f.accountIds[0]);
      else add((p) => `a.account_id = ANY (${p}::uuid[])`, f.accountIds);
    }
    if (f.assigneeId) add((p) => `a.assignee_id = ${p}::uuid`, f.assigneeId);
    if (f.review) clauses.push(`a.label IS NULL AND (a.decision <> 'allow' OR a.policy_decision <> 'allow')`);
    if (f.accountId) add((p) => `a.account_id = ${p}::uuid`, f.accountId);
    // a block as inet, not cidr: cidr refuses host bits (fe80::1/64), inet containment ignores them
    const ip = f.ip;
    if (ip) add((p) => (ip.includes('/') ? `a.ip <<= ${p}::inet` : `a.ip = ${p}::inet`), ip);
    if (f.deviceId) add((p) => `a.device_id = ${p}::uuid`, f.deviceId);
    if (f.country) add((p) => `a.country = ${p}`, f.country);
    if (f.label === 'none') clauses.push('a.label IS NULL');
    else if (f.label) add((p) => `a.label = ${p}`, f.label);
    if (f.from) add((p) => `a.created_at >= ${p}`, f.from);
    if (f.to) add((p) => `a.created_at < ${p}`, f.to);
    return clauses.join(' AND ');
  }

  /** Newest first, keyset-paginated on (created_at, id): page N costs the same as page 1. */
  async listLogins(tenantId: string, f: LoginFilter, limit: number, after?: LoginCursor): Promise<LoginListRow[]> {
    if (f.userHash) {
      // the typed text is a user id (its pseudonym) or a display label's exact value (its keyed hash)
      const accounts = await this.read<{ id: string }[]>(
        tenantId,
        `SELECT id FROM accounts WHERE tenant_id = $1 AND user_hash = $2
         UNION SELECT id FROM accounts
          WHERE tenant_id = $1 AND $3::text IS NOT NULL AND display_label_keys @> ARRAY[$3::text] LIMIT 100`,
        [tenantId, f.userHash, f.labelKey ?? null],
      );
      if (!accounts.length) return [];
      f = { ...f, accountIds: accounts.map((a) => a.id) };
    }
    const params: unknown[] = [];
    let where = this.where(tenantId, f, params);
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (a.created_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit);
    return this.read(
      tenantId,
      `SELECT ${LIST_COLUMNS} FROM assessments a JOIN accounts acc ON acc.id = a.account_id
        WHERE ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** For the CSV export: pages of the same query, walked by the caller. */
  async *streamLogins(tenantId: string, f: LoginFilter, max: number, page = 1000): AsyncGenerator<LoginListRow[]> {
    let after: LoginCursor | undefined;
    let sent = 0;
    while (sent < max) {
      const rows = await this.listLogins(tenantId, f, Math.min(page, max - sent), after);
      if (!rows.length) return;
      yield rows;
      sent += rows.length;
      const last = rows[rows.length - 1];
      after = { createdAt: last.cursorAt, id: last.id };
      if (rows.length < page) return;
    }
  }

  async loginDetail(tenantId: string, id: string): Promise<QueryRow | null> {
    const [row] = await this.read(
      tenantId,
      `SELECT a.id, a.created_at AS "createdAt", a.event, a.changes, a.status, a.decision,
              a.policy_decision AS "policyDecision",
              a.shadow, a.score, a.scores, a.reasons, a.label, host(a.ip) AS ip, a.country, a.asn,
              a.user_agent AS "userAgent", a.device_status AS "deviceStatus", a.bundle_id AS "bundleId",
              json_build_object('id', acc.id, 'userHash', acc.user_hash, 'displayLabel', acc.display_label,
                'loginCount', acc.login_count,
                'trustedLogins', acc.trusted_logins, 'countries', acc.countries, 'languages', acc.languages,
                'createdAt', acc.created_at) AS account,
              acc.typing_profile AS "typingProfile",
              CASE WHEN d.id IS NULL THEN NULL
                   ELSE json_build_object('id', d.id, 'visitorId', d.visitor_id, 'status', d.status,
                     'components', d.components, 'firstSeenAt', d.first_seen_at, 'lastSeenAt', d.last_seen_at,
                     'accounts', (SELECT count(*)::int FROM account_devices x
                                   WHERE x.tenant_id = $1 AND x.device_id = d.id))
              END AS device,
              a.assignee_id AS "assigneeId", a.review_note AS "reviewNote",
              (SELECT email FROM admins ad WHERE ad.tenant_id = a.tenant_id AND ad.id = a.assignee_id)
                AS "assigneeEmail",
              b.payload AS bundle, host(b.ip) AS "bundleIp", b.origin AS "bundleOrigin",
              (SELECT coalesce(json_agg(json_build_object('label', f.label, 'source', f.source,
                                                          'createdAt', f.created_at)
                                        ORDER BY f.created_at), '[]')
                 FROM feedback f WHERE f.tenant_id = $1 AND f.assessment_id = a.id) AS feedback
         FROM assessments a JOIN accounts acc ON acc.id = a.account_id AND acc.tenant_id = a.tenant_id
         LEFT JOIN devices d ON d.id = a.device_id AND d.tenant_id = a.tenant_id
         LEFT JOIN signal_bundles b ON b.id = a.bundle_id AND b.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND a.id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /**
   * The dashboard over [from, to) from the roll-up (console_hours, console_bursts, and console_days
   * for whole UTC days when the buckets are days: consoleRangeSql): its hours up to the tenant's
   * watermark (the last one may be partial), and the raw rows of a partial first hour (none when
   * `from` is on the hour, as the console asks) and of the minutes after the watermark
   * (kizuki_console_hours, kizuki_console_bursts: the roll-up's own functions), so counts
   * are exact. Distinct users and IPs (per bucket, per UTC week, for the range) are HyperLogLog
   * estimates, ~2.3 % standard error; the top IPs are ranked by the sums of each hour's 50 IPs with
   * most non-allowed logins, their users counted exactly; the fraud count is live (a label comes
   * after its hour closed). Without `topIps` the top IPs are not ranked at all (ips: []): the caller
   * has them from the IP summary snapshot, and ranking the range's hourly lists is most of a long
   * range's cost.
   */
  async dashboard(
    tenantId: string,
    from: Date,
    to: Date,
    bucket: 'hour' | 'day',
    { topIps = true } = {},
  ): Promise<Record<string, unknown>> {
    const [[state], kind] = await Promise.all([
      this.read<{ until: Date }[]>(
        tenantId,
        `SELECT rolled_until AS until FROM console_rollup_state WHERE tenant_id = $1`,
        [tenantId],
      ),
      this.sketchKind(),
    ]);
    let headEnd = new Date(Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS);
    // the watermark is 10-minute aligned; the roll-up's last hour may be partial, the raw rows after it complete it
    let rolledEnd = new Date(Math.min(state?.until.getTime() ?? 0, to.getTime()));
    if (rolledEnd <= headEnd) headEnd = rolledEnd = to; // nothing rolled up in the range: all of it raw
    const p = [tenantId, from, headEnd, rolledEnd, to];
    const hours = consoleRangeSql(bucket, { topIps });
    const distinct =
      kind === 'hll'
        ? {
            series: `, 'users', coalesce(s.users, 0), 'ips', coalesce(s.ips, 0)`,
            bucket: `, coalesce(hll_cardinality(hll_union_agg(users::hll)), 0)::int AS users,
                       coalesce(hll_cardinality(hll_union_agg(ips::hll)), 0)::int AS ips`,
            select: `(SELECT coalesce(json_agg(json_build_object('from', w, 'users', u, 'ips', i) ORDER BY w), '[]')
                        FROM (SELECT date_trunc('week', hour, 'UTC') AS w,
                                     coalesce(hll_cardinality(hll_union_agg(users::hll)), 0)::int AS u,
                                     coalesce(hll_cardinality(hll_union_agg(ips::hll)), 0)::int AS i
                                FROM h GROUP BY 1) x) AS weeks,
                     (SELECT coalesce(hll_cardinality(hll_union_agg(users::hll)), 0)::int FROM h) AS "distinctUsers",
                     (SELECT coalesce(hll_cardinality(hll_union_agg(ips::hll)), 0)::int FROM h) AS "distinctIps"`,
          }
        : {
            series: '',
            bucket: '',
            select: `(SELECT array_agg((extract(epoch FROM date_trunc('${bucket}', hour)) * 1000)::bigint::text
                                ORDER BY hour) FROM h) AS "hourBuckets",
                     (SELECT array_agg((extract(epoch FROM date_trunc('week', hour, 'UTC')) * 1000)::bigint::text
                                ORDER BY hour) FROM h) AS "hourWeeks",
                     (SELECT array_agg(users ORDER BY hour) FROM h) AS "userSketches",
                     (SELECT array_agg(ips ORDER BY hour) FROM h) AS "ipSketches"`,
          };
    const top = (col: string, order: string) =>
      `(SELECT coalesce(json_agg(x), '[]') FROM (
          SELECT e.key, sum((e.value->>0)::int)::int AS n, sum((e.value->>1)::int)::int AS flagged
            FROM h, jsonb_each(h.${col}) e GROUP BY e.key ORDER BY ${order}, e.key LIMIT 10) x)`;
    const ips = topIps
      ? `(SELECT coalesce(json_agg(x), '[]') FROM (
           SELECT e->>0 AS key, sum((e->>1)::int)::int AS n, sum((e->>2)::int)::int AS flagged
             FROM h, jsonb_array_elements(h.top_ips) e
            GROUP BY 1 ORDER BY 3 DESC, 2 DESC, 1 LIMIT ${DASHBOARD_TOP_IPS}) x)`
      : `'[]'::json`;
    const [[d], bursts, [fraud]] = await Promise.all([
      this.read<DashboardRow[]>(
        tenantId,
        `WITH h AS MATERIALIZED (${hours}),
              b AS (SELECT generate_series(date_trunc('${bucket}', $2::timestamptz), $5::timestamptz,
                                           interval '1 ${bucket}') AS t),
              s AS (SELECT date_trunc('${bucket}', hour) AS t, sum(allow)::int AS allow,
                           sum(challenge)::int AS challenge, sum(deny)::int AS deny ${distinct.bucket}
                      FROM h GROUP BY 1)
         SELECT (SELECT json_agg(json_build_object('t', b.t, 'allow', coalesce(s.allow, 0),
                                   'challenge', coalesce(s.challenge, 0), 'deny', coalesce(s.deny, 0)
                                   ${distinct.series})
                                 ORDER BY b.t)
                   FROM b LEFT JOIN s ON s.t = b.t) AS series,
                (SELECT coalesce(json_agg(x), '[]') FROM (
                   SELECT e.key AS code, sum(e.value::int)::int AS n FROM h, jsonb_each_text(h.reasons) e
                    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12) x) AS reasons,
                ${top('countries', 'n DESC')} AS countries,
                ${top('asns', 'n DESC')} AS asns,
                ${ips} AS ips,
                (SELECT json_build_object('total', coalesce(sum(total), 0)::int, 'allow', coalesce(sum(allow), 0)::int,
                          'challenge', coalesce(sum(challenge), 0)::int, 'deny', coalesce(sum(deny), 0)::int) FROM h)
                  AS totals,
                ${distinct.select}`,
        p,
      ),
      // Attack bursts: 10-minute windows with an unusual number of failed or non-allowed logins.
      this.read(
        tenantId,
        `WITH w AS (SELECT * FROM kizuki_console_bursts($1, $2, $3)
                    UNION ALL SELECT window_start, n, bad, users, ips FROM console_bursts
                               WHERE tenant_id = $1 AND window_start >= $3 AND window_start < $4
                    UNION ALL SELECT * FROM kizuki_console_bursts($1, $4, $5))
         SELECT window_start AS t, n, bad, users, ips FROM w
          WHERE bad >= greatest(5, 3 * (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY bad) FROM w))
          ORDER BY bad DESC, t LIMIT 8`,
        p,
      ),
      this.read<{ n: number }[]>(
        tenantId,
        `SELECT count(*)::int AS n FROM assessments
          WHERE tenant_id = $1 AND label = 'fraud' AND created_at >= $2 AND created_at < $3`,
        [tenantId, from, to],
      ),
    ]);
    const ranked = d.ips;
    const ipUsers = new Map(
      ranked.length
        ? (
            await this.read<{ ip: string; users: number }[]>(
              tenantId,
              `SELECT host(ip) AS ip, count(DISTINCT account_id)::int AS users FROM assessments
                WHERE tenant_id = $1 AND ip = ANY ($2::inet[]) AND created_at >= $3 AND created_at < $4 GROUP BY ip`,
              [tenantId, ranked.map((r) => r.key), from, to],
            )
          ).map((r) => [r.ip, r.users])
        : [],
    );
    let { series, weeks, distinctUsers: users, distinctIps: ipCount } = d;
    if (kind !== 'hll') {
      // Kizuki's own registers: merged here, per bucket, per week and for the range (keys: epoch ms)
      const sk = (xs?: (Buffer | null)[] | null) => (xs ?? []).map((b) => (b ? new Uint8Array(b) : null));
      const [userSk, ipSk] = [sk(d.userSketches), sk(d.ipSketches)];
      const buckets: string[] = d.hourBuckets ?? [];
      const [bu, bi] = [distinctByKey(buckets, userSk), distinctByKey(buckets, ipSk)];
      series = series.map((r) => {
        const k = String(new Date(r.t).getTime());
        return { ...r, users: bu.get(k) ?? 0, ips: bi.get(k) ?? 0 };
      });
      const weekKeys: string[] = d.hourWeeks ?? [];
      const [wu, wi] = [distinctByKey(weekKeys, userSk), distinctByKey(weekKeys, ipSk)];
      weeks = [...wu.keys()].map((w) => ({ from: new Date(Number(w)), users: wu.get(w), ips: wi.get(w) }));
      const all = buckets.map(() => 'range');
      users = distinctByKey(all, userSk).get('range') ?? 0;
      ipCount = distinctByKey(all, ipSk).get('range') ?? 0;
    }
    return {
      series,
      reasons: d.reasons,
      bursts,
      ips: ranked.map((r) => ({ ...r, users: ipUsers.get(r.key) ?? 0 })),
      asns: d.asns,
      countries: d.countries,
      totals: { ...d.totals, fraud: fraud.n, users, ips: ipCount },
      weeks,
    };
  }

  private sketchKindCache?: Promise<string>;

  /** 'hll' or 'registers' (kizuki_console_sketch_kind: the one place the format is chosen), asked once. */
  private sketchKind(): Promise<string> {
    this.sketchKindCache ??= this.db
      .query(`SELECT kizuki_console_sketch_kind() AS kind`)
      .then((r: { kind: string }[]) => r[0].kind)
      .catch((e: unknown) => {
        this.sketchKindCache = undefined;
        throw e;
      });
    return this.sketchKindCache;
  }

  async account(tenantId: string, accountId: string): Promise<QueryRow | null> {
    const [row] = await this.read(
      tenantId,
      `SELECT id, user_hash AS "userHash", display_label AS "displayLabel", created_at AS "createdAt",
              last_seen_at AS "lastSeenAt",
              login_count AS "loginCount", trusted_logins AS "trustedLogins", countries, languages, networks,
              last_login AS "lastLogin", typing_profile AS "typingProfile",
              (pointer_profile IS NOT NULL) AS "hasPointerProfile"
         FROM accounts WHERE tenant_id = $1 AND id = $2`,
      [tenantId, accountId],
    );
    if (!row) return null;
    const devices = await this.read(
      tenantId,
      `SELECT d.id, d.visitor_id AS "visitorId", d.components, ad.logins, ad.first_seen_at AS "firstSeenAt",
              ad.last_seen_at AS "lastSeenAt", ad.status AS "linkStatus", d.status AS "deviceStatus",
              (SELECT count(*)::int FROM account_devices o
                WHERE o.tenant_id = $1 AND o.device_id = d.id AND o.account_id <> ad.account_id) AS "otherAccounts"
         FROM account_devices ad JOIN devices d ON d.id = ad.device_id AND d.tenant_id = ad.tenant_id
        WHERE ad.tenant_id = $1 AND ad.account_id = $2 ORDER BY ad.last_seen_at DESC LIMIT 100`,
      [tenantId, accountId],
    );
    const countries = await this.read(
      tenantId,
      `SELECT country, count(*)::int AS n, max(created_at) AS "lastSeen" FROM assessments
        WHERE tenant_id = $1 AND account_id = $2 AND country IS NOT NULL GROUP BY country ORDER BY n DESC LIMIT 50`,
      [tenantId, accountId],
    );
    return { ...row, devices, countryHistory: countries };
  }

  /** The account of a user id's pseudonym, else the most recent one whose display label has the value. */
  async accountIdByHash(tenantId: string, userHash: string, labelKey: string): Promise<string | null> {
    const [row] = await this.read(
      tenantId,
      `SELECT id FROM accounts WHERE tenant_id = $1 AND (user_hash = $2 OR display_label_keys @> $3::text[])
        ORDER BY (user_hash = $2) DESC, last_seen_at DESC LIMIT 1`,
      [tenantId, userHash, [labelKey]],
    );
    return row?.id ?? null;
  }

  /**
   * The review queue's size: unlabelled logins the policy did not allow (its partial index), counted
   * up to REVIEW_COUNT_CAP (`capped`: there are more). Counting a queue of a million rows took longer
   * than the whole dashboard it sits on; past ten thousand the exact number changes no one's work.
   */
  async reviewCount(tenantId: string, adminId: string): Promise<{ open: number; mine: number; capped: boolean }> {
    const [row] = await this.read<{ open: number; mine: number }[]>(
      tenantId,
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM assessments
                WHERE tenant_id = $1 AND label IS NULL AND (decision <> 'allow' OR policy_decision <> 'allow')
                LIMIT $3) q)::int AS open,
              (SELECT count(*) FROM (SELECT 1 FROM assessments
                WHERE tenant_id = $1 AND assignee_id = $2 AND label IS NULL
                  AND (decision <> 'allow' OR policy_decision <> 'allow') LIMIT $3) q)::int AS mine`,
      [tenantId, adminId, REVIEW_COUNT_CAP + 1],
    );
    return {
      open: Math.min(row.open, REVIEW_COUNT_CAP),
      mine: Math.min(row.mine, REVIEW_COUNT_CAP),
      capped: row.open > REVIEW_COUNT_CAP,
    };
  }

  /**
   * Assigns a login of the queue (assigneeId; null unassigns) and/or sets its note, in one
   * statement; the values before, for the audit log, or null if the login is not the tenant's.
   */
  async setReview(
    tenantId: string,
    id: string,
    patch: { assigneeId?: string | null; note?: string | null },
  ): Promise<{ assigneeId: string | null; note: string | null } | null> {
    const rows = rowsOf<{ assigneeId: string | null; note: string | null }>(
      await this.write(
        tenantId,
        `UPDATE assessments a SET assignee_id = CASE WHEN $3 THEN $4::uuid ELSE a.assignee_id END,
                review_note = CASE WHEN $5 THEN $6 ELSE a.review_note END
           FROM (SELECT id, created_at, assignee_id, review_note FROM assessments
                  WHERE tenant_id = $1 AND id = $2 FOR UPDATE) old
          WHERE a.tenant_id = $1 AND a.id = old.id AND a.created_at = old.created_at
          RETURNING old.assignee_id AS "assigneeId", old.review_note AS note`,
        [tenantId, id, 'assigneeId' in patch, patch.assigneeId ?? null, 'note' in patch, patch.note ?? null],
      ),
    );
    return rows[0] ?? null;
  }

  /** approve: the device is the user's (trusted, and no longer fraud); report: fraud for the account and the tenant. */
  async setDeviceVerdict(
    tenantId: string,
    accountId: string,
    deviceId: string,
    verdict: 'approve' | 'report',
  ): Promise<{ before: string } | null> {
    return withTenant(this.db, tenantId, async (m) => {
      const [link] = await m.query(
        `SELECT ad.status AS link, d.status AS device
           FROM account_devices ad JOIN devices d ON d.id = ad.device_id AND d.tenant_id = ad.tenant_id
          WHERE ad.tenant_id = $1 AND ad.account_id = $2 AND ad.device_id = $3 FOR UPDATE OF ad`,
        [tenantId, accountId, deviceId],
      );
      if (!link) return null;
      const status = verdict === 'approve' ? 'trusted' : 'fraud';
      await m.query(
        `UPDATE account_devices SET status = $4 WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3`,
        [tenantId, accountId, deviceId, status],
      );
      await m.query(`UPDATE devices SET status = $3 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        deviceId,
        verdict === 'approve' ? 'new' : 'fraud',
      ]);
      return { before: link.device === 'fraud' ? 'fraud' : link.link };
    });
  }

  async resetProfile(tenantId: string, accountId: string): Promise<{ hadTyping: boolean; hadPointer: boolean } | null> {
    const rows = rowsOf<{ hadTyping: boolean; hadPointer: boolean }>(
      await this.write(
        tenantId,
        `UPDATE accounts a SET typing_profile = NULL, pointer_profile = NULL FROM accounts old
          WHERE a.tenant_id = $1 AND a.id = $2 AND old.id = a.id
          RETURNING (old.typing_profile IS NOT NULL) AS "hadTyping", (old.pointer_profile IS NOT NULL) AS "hadPointer"`,
        [tenantId, accountId],
      ),
    );
    return rows[0] ?? null;
  }

  /**
   * How stored assessments since `from` would have been decided under other thresholds, each event
   * by its own (`events`; login and any event without an entry: `t`): allow/deny-list overrides
   * kept, shadow mode answers allow. Grouped by (event, stored decision, new decision, label).
   */
  async backtest(
    tenantId: string,
    from: Date,
    t: { challenge: number; deny: number; shadow: boolean },
    events: Record<string, { challenge: number; deny: number }> = {},
  ): Promise<{ event: string; before: string; after: string; label: string | null; n: number }[]> {
    return this.read(
      tenantId,
      `WITH d AS (
         SELECT event, decision AS before, label,
                CASE WHEN reasons @> '[{"code":"DENYLISTED"}]' THEN 'deny'
                     WHEN reasons @> '[{"code":"ALLOWLISTED"}]' THEN 'allow'
                     WHEN $5 THEN 'allow'
                     WHEN score >= coalesce(($6::jsonb -> event ->> 'deny')::int, $4) THEN 'deny'
                     WHEN score >= coalesce(($6::jsonb -> event ->> 'challenge')::int, $3) THEN 'challenge'
                     ELSE 'allow' END AS after
           FROM assessments WHERE tenant_id = $1 AND created_at >= $2)
       SELECT event, before, after, label, count(*)::int AS n FROM d GROUP BY 1, 2, 3, 4`,
      [tenantId, from, t.challenge, t.deny, t.shadow, JSON.stringify(events)],
    );
  }
}
