import { Injectable } from '@nestjs/common';
import { AdminConfigRepository, AdminInsightsRepository } from '@kizuki/database';
import { DEFAULT_POLICY, DETECTOR_NAMES, LIFECYCLE_EVENTS, resolvePolicy, type Policy } from '@kizuki/scoring';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import type { PolicyDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';

export const BACKTEST_DAYS = 7;
const DECISIONS = ['allow', 'challenge', 'deny'] as const;

/** The tenant's policy (thresholds, detectors, fallback, shadow mode): read, replayed, saved. */
@Injectable()
export class PolicyService {
  constructor(
    private readonly repo: AdminConfigRepository,
    private readonly insights: AdminInsightsRepository,
    private readonly audit: AuditLog,
  ) {}

  async current(tenantId: string) {
    return {
      policy: resolvePolicy(await this.repo.policy(tenantId)),
      defaults: DEFAULT_POLICY,
      detectors: DETECTOR_NAMES,
    };
  }

  /**
   * The last BACKTEST_DAYS of assessments replayed under a proposed policy, each event under its own
   * thresholds: how decisions and outcomes would move, in all and per event.
   */
  async backtest(tenantId: string, dto: PolicyDto) {
    const stored = resolvePolicy(await this.repo.policy(tenantId));
    const policy = checkPolicy(dto, stored);
    const from = new Date(Date.now() - BACKTEST_DAYS * 24 * 3600_000);
    const rows = await this.insights.backtest(
      tenantId,
      from,
      { ...policy.thresholds, shadow: policy.shadowMode },
      policy.events,
    );
    const byEvent: Record<string, ReturnType<typeof summary>> = {};
    for (const event of new Set(rows.map((r) => r.event)))
      byEvent[event] = summary(rows.filter((r) => r.event === event));
    return { days: BACKTEST_DAYS, ...summary(rows), byEvent };
  }

  async save(p: AdminPrincipal, dto: PolicyDto) {
    const before = resolvePolicy(await this.repo.policy(p.tenantId));
    const policy = checkPolicy(dto, before);
    await this.repo.setPolicy(p.tenantId, policy as unknown as Record<string, unknown>);
    const d = diff(before, policy);
    await this.audit.record(p, 'policy.update', { type: 'policy', id: p.tenantId }, d.before, d.after);
    return { policy };
  }
}

type BacktestRow = { before: string; after: string; label: string | null; n: number };

/** Decisions before and after, the outcomes that move, and the before→after matrix of some rows. */
function summary(rows: BacktestRow[]) {
  const count = (pred: (r: BacktestRow) => boolean) => rows.filter(pred).reduce((s, r) => s + r.n, 0);
  const fraudAllowed = (d: 'before' | 'after') => count((r) => r.label === 'fraud' && r[d] === 'allow');
  const legitBlocked = (d: 'before' | 'after') => count((r) => r.label === 'legit' && r[d] !== 'allow');
  const matrix: Record<string, number> = {};
  for (const r of rows) matrix[`${r.before}->${r.after}`] = (matrix[`${r.before}->${r.after}`] ?? 0) + r.n;
  return {
    total: count(() => true),
    current: Object.fromEntries(DECISIONS.map((d) => [d, count((r) => r.before === d)])),
    proposed: Object.fromEntries(DECISIONS.map((d) => [d, count((r) => r.after === d)])),
    changed: count((r) => r.before !== r.after),
    fraudAllowed: { current: fraudAllowed('before'), proposed: fraudAllowed('after') },
    legitBlocked: { current: legitBlocked('before'), proposed: legitBlocked('after') },
    matrix,
  };
}

/**
 * The policy to save or replay: what the form sends over the stored one. Sections the form does
 * not edit (sign-up and cash-out settings, stuffing, …) and events it leaves out keep their stored values.
 */
function checkPolicy(dto: PolicyDto, stored: Policy): Policy {
  const events = { ...stored.events, ...(dto.events ?? {}) };
  for (const [path, t] of [
    ['thresholds', dto.thresholds],
    ...LIFECYCLE_EVENTS.map((e) => [`events.${e}`, events[e]]),
  ]) {
    const th = t as { challenge: number; deny: number };
    if (th.challenge >= th.deny) {
      const details = [{ path: path as string, problems: ['challenge >= deny'] }];
      throw AdminErrors.invalid('The challenge threshold must be below the deny threshold.', details);
    }
  }
  return resolvePolicy({
    ...stored,
    ...dto,
    events,
    detectors: { ...stored.detectors, ...dto.detectors },
    bruteForce: dto.bruteForce ?? stored.bruteForce,
  });
}

/** Only the fields that changed, before and after. */
export function diff(a: Policy, b: Policy): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const flat = (o: unknown, prefix = '', out: Record<string, unknown> = {}) => {
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (v && typeof v === 'object') flat(v, `${prefix}${k}.`, out);
      else out[`${prefix}${k}`] = v;
    }
    return out;
  };
  const fa = flat(a);
  const fb = flat(b);
  for (const k of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
    if (fa[k] !== fb[k]) {
      before[k] = fa[k];
      after[k] = fb[k];
    }
  }
  return { before, after };
}
