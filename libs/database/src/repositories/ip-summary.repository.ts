import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConsoleReads } from '../console-reads';
import { withTenant } from '../tenant-scope';

/** The IP summary's periods: the last 24 hours, 7 days or 30 days. */
export const IP_SUMMARY_RANGES = ['24h', '7d', '30d'] as const;
export type IpSummaryRange = (typeof IP_SUMMARY_RANGES)[number];
/** The console's sorts, each with its rank column in ip_summary_rows (identifiers fixed here, never from input). */
export const IP_SUMMARY_SORTS = {
  checks: 'rank_checks',
  users: 'rank_users',
  failures: 'rank_failures',
  flagged: 'rank_flagged',
  last: 'rank_last',
} as const;
export type IpSummarySort = keyof typeof IP_SUMMARY_SORTS;
/** The IPs of each sort the console shows (and a snapshot keeps). */
export const IP_SUMMARY_LIMIT = 500;
/**
 * A period with fewer assessments than this (as the last snapshot counted them) is read live from
 * the assessments: a few tens of milliseconds, and current to the second. Above it, the snapshot.
 */
export const IP_SUMMARY_LIVE_MAX = 10_000;

export const IP_SUMMARY_RANGE_MS: Record<IpSummaryRange, number> = {
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
  '30d': 30 * 24 * 3_600_000,
};

export interface IpSummaryRow {
  ip: string;
  checks: number;
  users: number;
  failures: number;
  flagged: number;
  denied: number;
  countries: string[];
  asn: number | null;
  datacenter: boolean;
  tor: boolean;
  foreign: boolean;
  lastSeen: Date;
}

export interface IpSummary {
  /** the period the figures are of: [from, to) */
  from: Date;
  to: Date;
  /** the snapshot's end (null: read live, up to the request) */
  asOf: Date | null;
  items: IpSummaryRow[];
}

/** The dashboard's top IPs: the first of the flagged sort (non-allowed logins, then checks, then address). */
export interface TopIp {
  key: string;
  /** checks */
  n: number;
  /** non-allowed logins */
  flagged: number;
  /** distinct accounts */
  users: number;
}

const COLUMNS = `host(ip) AS ip, checks, users, failures, flagged, denied, countries, asn, datacenter, tor,
  foreign_ip AS "foreign", last_seen AS "lastSeen"`;

/**
 * The range's snapshot when it is the one to read: it exists and its period held at least `liveMax`
 * assessments (a busy tenant); undefined when the range is read live.
 */
async function usableSnapshot(
  m: EntityManager,
  tenantId: string,
  range: IpSummaryRange,
  liveMax: number,
): Promise<{ from: Date; to: Date } | undefined> {
  const [snap] = (await m.query(
    `SELECT period_from AS "from", period_to AS "to", assessments::int AS n FROM ip_summaries
      WHERE tenant_id = $1 AND range = $2`,
    [tenantId, range],
  )) as { from: Date; to: Date; n: number }[];
  return snap && snap.n >= liveMax ? { from: snap.from, to: snap.to } : undefined;
}

/**
 * O-MOTION's IP集計 (per IP over the last 24 h, 7 d or 30 d), exact for the period it names: a busy
 * tenant's from the snapshot the worker rebuilds every few minutes (ip_summaries, ip_summary_rows;
 * kizuki_ip_summary_build), a quiet one's read live; both from kizuki_ip_summary_scan.
 */
@Injectable()
export class IpSummaryRepository {
  constructor(
    private readonly db: DataSource,
    private readonly reads: ConsoleReads,
  ) {}

  /**
   * The console's read: the top `limit` (≤ IP_SUMMARY_LIMIT) IPs of the range by `sort`, as of
   * `now`; the snapshot when its period held at least `liveMax` assessments.
   */
  async summary(
    tenantId: string,
    range: IpSummaryRange,
    sort: IpSummarySort,
    now: Date,
    { limit = IP_SUMMARY_LIMIT, liveMax = IP_SUMMARY_LIVE_MAX } = {},
  ): Promise<IpSummary> {
    const rank = IP_SUMMARY_SORTS[sort] ?? IP_SUMMARY_SORTS.checks;
    return this.read(tenantId, async (m) => {
      const snap = await usableSnapshot(m, tenantId, range, liveMax);
      if (snap) {
        const items = await m.query(
          `SELECT ${COLUMNS} FROM ip_summary_rows
            WHERE tenant_id = $1 AND range = $2 AND ${rank} IS NOT NULL ORDER BY ${rank} LIMIT $3`,
          [tenantId, range, limit],
        );
        return { from: snap.from, to: snap.to, asOf: snap.to, items };
      }
      const from = new Date(now.getTime() - IP_SUMMARY_RANGE_MS[range]);
      const items = await m.query(
        `SELECT ${COLUMNS} FROM kizuki_ip_summary_scan($1, $2, $3, $4)
          WHERE ${rank} IS NOT NULL ORDER BY ${rank}`,
        [tenantId, from, now, limit],
      );
      return { from, to: now, asOf: null, items };
    });
  }

  /**
   * The dashboard's top `limit` IPs of the range (non-allowed logins, then checks, then address) from
   * the snapshot when a summary of the range would read it (the same rule), with its end; null when
   * the range is read live (a quiet tenant, or no snapshot yet): the dashboard then ranks its own.
   */
  async topFlagged(
    tenantId: string,
    range: IpSummaryRange,
    limit: number,
    { liveMax = IP_SUMMARY_LIVE_MAX } = {},
  ): Promise<{ asOf: Date; items: TopIp[] } | null> {
    return this.read(tenantId, async (m) => {
      const snap = await usableSnapshot(m, tenantId, range, liveMax);
      if (!snap) return null;
      const items = (await m.query(
        `SELECT host(ip) AS key, checks AS n, flagged, users FROM ip_summary_rows
          WHERE tenant_id = $1 AND range = $2 AND rank_flagged <= $3 ORDER BY rank_flagged`,
        [tenantId, range, limit],
      )) as TopIp[];
      return { asOf: snap.to, items };
    });
  }

  /** One read-only transaction as the tenant (row-level security), on the read replica if there is one. */
  private read<T>(tenantId: string, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.reads.run((db) => withTenant(db, tenantId, fn, { readOnly: true }));
  }

  /**
   * The snapshots due as of `to` (the end of the periods to build): each tenant's ranges whose
   * snapshot ended `everyMs[range]` or more before it, or that has none (crosses tenants by design).
   */
  pending(to: Date, everyMs: Record<IpSummaryRange, number>): Promise<{ tenantId: string; range: IpSummaryRange }[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", range FROM kizuki_ip_summary_pending($1, $2::text[],
         ARRAY(SELECT make_interval(secs => s) FROM unnest($3::float8[]) s))`,
      [to, IP_SUMMARY_RANGES, IP_SUMMARY_RANGES.map((r) => everyMs[r] / 1000)],
    );
  }

  /**
   * Rebuilds one snapshot: the range up to `to` (kizuki_ip_summary_build). Its own statement
   * timeout: a month of a busy tenant is a scan of millions of rows, in the background. The IPs
   * stored, or -1 when another build of it holds its lock or one as recent exists.
   */
  async build(tenantId: string, range: IpSummaryRange, to: Date, timeoutMs: number): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT set_config('statement_timeout', $1, true), set_config('work_mem', '64MB', true)`, [
        String(timeoutMs),
      ]);
      const [row] = await m.query(`SELECT kizuki_ip_summary_build($1, $2, $3, $4) AS n`, [
        tenantId,
        range,
        to,
        IP_SUMMARY_LIMIT,
      ]);
      return row.n as number;
    });
  }
}
