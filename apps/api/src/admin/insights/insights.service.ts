import { Injectable } from '@nestjs/common';
import { AdminInsightsRepository, DASHBOARD_TOP_IPS, IpSummaryRepository, type IpSummarySort } from '@kizuki/database';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { maskIp } from '../ip-mask';

const RANGE_MS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
export type Range = keyof typeof RANGE_MS;

export function rangeOf(range: Range = '24h', now = new Date()): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - RANGE_MS[range]), to: now };
}

/** The dashboard and the IP summary over a recent range. */
@Injectable()
export class InsightsService {
  constructor(
    private readonly insights: AdminInsightsRepository,
    private readonly ipSummaries: IpSummaryRepository,
  ) {}

  /**
   * The dashboard of the range up to `now`. Its top IPs, at every range: a busy tenant's from the IP
   * summary snapshot (exact for the snapshot's period, as of its end: `ipsAsOf`), so the statement
   * does not rank the range's hourly top lists; a quiet one's (or before the first snapshot) ranked
   * from the roll-up, up to `now` (`ipsAsOf` null). The rest of the answer is always up to `now`.
   */
  async dashboard(p: AdminPrincipal, range: Range, now = new Date()) {
    // on the hour: the first bucket is a whole hour, read from the roll-up (24 h: 24 whole hours and the one under way)
    const { from: exact, to } = rangeOf(range, now);
    const from = new Date(Math.floor(exact.getTime() / 3_600_000) * 3_600_000);
    const bucket: 'hour' | 'day' = range === '24h' ? 'hour' : 'day';
    const [[snap, d], review] = await Promise.all([
      this.ipSummaries
        .topFlagged(p.tenantId, range, DASHBOARD_TOP_IPS)
        .then(async (s) => [s, await this.insights.dashboard(p.tenantId, from, to, bucket, { topIps: !s })] as const),
      this.insights.reviewCount(p.tenantId, p.adminId),
    ]);
    const top = (snap?.items ?? d.ips) as { key: string }[];
    const ips = top.map((r) => ({ ...r, key: maskIp(r.key, p.role) }));
    return { range, from, to, bucket, ...d, ips, ipsAsOf: snap?.asOf ?? null, review };
  }

  /** A busy tenant's from the worker's snapshot (asOf: its end), a quiet one's live (asOf null). */
  async ips(p: AdminPrincipal, range: Range, sort: IpSummarySort, now = new Date()) {
    const s = await this.ipSummaries.summary(p.tenantId, range, sort, now);
    return { ...s, items: s.items.map((r) => ({ ...r, ip: maskIp(r.ip, p.role) })) };
  }
}
