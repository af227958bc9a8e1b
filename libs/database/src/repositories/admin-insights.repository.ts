import type { Decision } from '@kizuki/contract';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsoleReads } from '../console-reads';
import { rowsOf } from './rows';
import { type QueryRow, withTenant } from '../tenant-scope';

export interface LoginFilter {
  /** login, registration, password_reset_request, password_reset, profile_update */
  event?: string;
  decision?: Decision;
  reason?: string;
  /** pseudonymised user id */
  userHash?: string;
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
  /** created_at with microseconds, for the keyset cursor */
  cursorAt: string;
}

const LIST_COLUMNS = `a.id, a.created_at AS "createdAt", a.decision, a.policy_decision AS "policyDecision", a.shadow,
  a.event, a.changes, a.status, a.score,
  ARRAY(SELECT r->>'code' FROM jsonb_array_elements(a.reasons) r) AS "reasonCodes", a.label,
  host(a.ip) AS ip, a.country, a.asn, a.device_id AS "deviceId", a.device_status AS "deviceStatus",
  a.account_id AS "accountId", acc.user_hash AS "userHash",
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
    if (f.userHash)
      add((p) => `a.account_id = (SELECT id FROM accounts WHERE tenant_id = $1 AND user_hash = ${p})`, f.userHash);
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
              json_build_object('id', acc.id, 'userHash', acc.user_hash, 'loginCount', acc.login_count,
                'trustedLogins', acc.trusted_logins, 'countries', acc.countries, 'languages', acc.languages,
                'createdAt', acc.created_at) AS account,
              acc.typing_profile AS "typingProfile",
              CASE WHEN d.id IS NULL THEN NULL
                   ELSE json_build_object('id', d.id, 'visitorId', d.visitor_id, 'status', d.status,
                     'components', d.components, 'firstSeenAt', d.first_seen_at, 'lastSeenAt', d.last_seen_at,
                     'accounts', (SELECT count(*)::int FROM account_devices x
                                   WHERE x.tenant_id = $1 AND x.device_id = d.id))
              END AS device,
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

  async dashboard(tenantId: string, from: Date, to: Date, bucket: 'hour' | 'day'): Promise<Record<string, unknown>> {
    const p = [tenantId, from, to];
    const range = `tenant_id = $1 AND created_at >= $2 AND created_at < $3`;
    const [series, reasons, bursts, ips, asns, countries, totals] = await Promise.all([
      // every bucket of the range, empty ones included, so the chart's time axis is true
      this.read(
        tenantId,
        `WITH b AS (SELECT generate_series(date_trunc('${bucket}', $2::timestamptz), $3::timestamptz,
                                          interval '1 ${bucket}') AS t),
              c AS (SELECT date_trunc('${bucket}', created_at) AS t,
                           count(*) FILTER (WHERE decision = 'allow')::int AS allow,
                           count(*) FILTER (WHERE decision = 'challenge')::int AS challenge,
                           count(*) FILTER (WHERE decision = 'deny')::int AS deny
                      FROM assessments WHERE ${range} GROUP BY 1)
         SELECT b.t, coalesce(c.allow, 0) AS allow, coalesce(c.challenge, 0) AS challenge, coalesce(c.deny, 0) AS deny
           FROM b LEFT JOIN c ON c.t = b.t ORDER BY b.t`,
        p,
      ),
      this.read(
        tenantId,
        `SELECT r->>'code' AS code, count(*)::int AS n FROM assessments, jsonb_array_elements(reasons) r
          WHERE ${range} GROUP BY 1 ORDER BY 2 DESC LIMIT 12`,
        p,
      ),
      // Attack bursts: 10-minute windows with an unusual number of failed or non-allowed logins.
      this.read(
        tenantId,
        `WITH w AS (
           SELECT to_timestamp(floor(extract(epoch FROM created_at) / 600) * 600) AS t, count(*)::int AS n,
                  count(*) FILTER (WHERE status = 'failed' OR decision <> 'allow')::int AS bad,
                  count(DISTINCT account_id)::int AS users, count(DISTINCT ip)::int AS ips
             FROM assessments WHERE ${range} GROUP BY 1)
         SELECT * FROM w WHERE bad >= greatest(5, 3 * (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY bad) FROM w))
          ORDER BY bad DESC LIMIT 8`,
        p,
      ),
      this.read(
        tenantId,
        `SELECT host(ip) AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged,
                count(DISTINCT account_id)::int AS users
           FROM assessments WHERE ${range} AND ip IS NOT NULL GROUP BY ip ORDER BY flagged DESC, n DESC LIMIT 10`,
        p,
      ),
      this.read(
        tenantId,
        `SELECT asn::text AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged
           FROM assessments WHERE ${range} AND asn IS NOT NULL GROUP BY asn ORDER BY n DESC LIMIT 10`,
        p,
      ),
      this.read(
        tenantId,
        `SELECT country AS key, count(*)::int AS n, count(*) FILTER (WHERE decision <> 'allow')::int AS flagged
           FROM assessments WHERE ${range} AND country IS NOT NULL GROUP BY country ORDER BY n DESC LIMIT 10`,
        p,
      ),
      this.read(
        tenantId,
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE decision = 'allow')::int AS allow,
                count(*) FILTER (WHERE decision = 'challenge')::int AS challenge,
                count(*) FILTER (WHERE decision = 'deny')::int AS deny,
                count(*) FILTER (WHERE label = 'fraud')::int AS fraud, count(DISTINCT account_id)::int AS users
           FROM assessments WHERE ${range}`,
        p,
      ),
    ]);
    return { series, reasons, bursts, ips, asns, countries, totals: totals[0] };
  }

  /** O-MOTION's IP集計: per IP over a period. */
  async ipSummary(tenantId: string, from: Date, to: Date, sort: string, limit: number): Promise<unknown[]> {
    const order: Record<string, string> = {
      checks: 'checks DESC',
      users: 'users DESC',
      failures: 'failures DESC',
      flagged: 'flagged DESC',
      last: '"lastSeen" DESC',
    };
    return this.read(
      tenantId,
      `SELECT host(ip) AS ip, count(*)::int AS checks, count(DISTINCT account_id)::int AS users,
              count(*) FILTER (WHERE status = 'failed')::int AS failures,
              count(*) FILTER (WHERE decision <> 'allow')::int AS flagged,
              count(*) FILTER (WHERE decision = 'deny')::int AS denied,
              ARRAY(SELECT DISTINCT c FROM unnest(array_agg(country)) c WHERE c IS NOT NULL) AS countries,
              max(asn) AS asn,
              bool_or(reasons @> '[{"code":"DATACENTER_IP"}]') AS datacenter,
              bool_or(reasons @> '[{"code":"TOR_EXIT"}]') AS tor,
              bool_or(reasons @> '[{"code":"FOREIGN_IP_AND_LANGUAGE"}]') AS foreign, max(created_at) AS "lastSeen"
         FROM assessments WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ip IS NOT NULL
        GROUP BY ip ORDER BY ${order[sort] ?? order.checks}, ip LIMIT $4`,
      [tenantId, from, to, limit],
    );
  }

  async account(tenantId: string, accountId: string): Promise<QueryRow | null> {
    const [row] = await this.read(
      tenantId,
      `SELECT id, user_hash AS "userHash", created_at AS "createdAt", last_seen_at AS "lastSeenAt",
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

  async accountIdByHash(tenantId: string, userHash: string): Promise<string | null> {
    const [row] = await this.read(tenantId, `SELECT id FROM accounts WHERE tenant_id = $1 AND user_hash = $2`, [
      tenantId,
      userHash,
    ]);
    return row?.id ?? null;
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
