import { Injectable } from '@nestjs/common';
import { AdminInsightsRepository, IpSummaryRepository, type IpSummarySort } from '@kizuki/database';
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

  async dashboard(p: AdminPrincipal, range: Range) {
    // on the hour: the first bucket is a whole hour, read from the roll-up (24 h: 24 whole hours and the one under way)
    const { from: exact, to } = rangeOf(range);
    const from = new Date(Math.floor(exact.getTime() / 3_600_000) * 3_600_000);
    const bucket = range === '24h' ? 'hour' : 'day';
    const [d, review] = await Promise.all([
      this.insights.dashboard(p.tenantId, from, to, bucket),
      this.insights.reviewCount(p.tenantId, p.adminId),
    ]);
    const ips = (d.ips as { key: string }[]).map((r) => ({ ...r, key: maskIp(r.key, p.role) }));
    return { range, from, to, bucket, ...d, ips, review };
  }

  /** A busy tenant's from the worker's snapshot (asOf: its end), a quiet one's live (asOf null). */
  async ips(p: AdminPrincipal, range: Range, sort: IpSummarySort, now = new Date()) {
    const s = await this.ipSummaries.summary(p.tenantId, range, sort, now);
    return { ...s, items: s.items.map((r) => ({ ...r, ip: maskIp(r.ip, p.role) })) };
  }
}
