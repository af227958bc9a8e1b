import type { AdminRole, AssessmentRow, LoginListRow, QueryRow } from '@kizuki/database';
import { assessmentOutcome } from '../../assessments/assessment-outcome';
import { maskIp } from '../ip-mask';
import { typingView } from '../typing-view';

/** A row of the logins list as the console shows it (IPs truncated for viewers, user pseudonym shortened). */
export function loginRow(r: LoginListRow, role: AdminRole) {
  return {
    id: r.id,
    createdAt: r.createdAt,
    decision: r.decision,
    policyDecision: r.policyDecision,
    shadow: r.shadow,
    event: r.event,
    changes: r.changes ?? [],
    status: r.status,
    score: r.score,
    reasons: r.reasonCodes,
    label: r.label,
    ip: maskIp(r.ip, role),
    country: r.country,
    asn: r.asn,
    device: r.deviceId ? { id: r.deviceId, status: r.deviceStatus } : null,
    account: { id: r.accountId, userHash: r.userHash.slice(0, 12) },
  };
}

const CSV_COLUMNS = [
  'id',
  'created_at',
  'decision',
  'policy_decision',
  'shadow',
  'status',
  'score',
  'reasons',
  'label',
  'ip',
  'country',
  'asn',
  'device_id',
  'device_status',
  'account_id',
  'user_hash',
  'event',
  'changes',
];
export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\n`;

/** One CSV line of a login (the full pseudonym: exports are matched against other systems). */
export function csvLine(row: LoginListRow, role: AdminRole): string {
  const r = loginRow(row, role);
  const cells = [
    r.id,
    new Date(r.createdAt).toISOString(),
    r.decision,
    r.policyDecision,
    r.shadow,
    r.status,
    r.score,
    r.reasons.join(' '),
    r.label ?? '',
    r.ip ?? '',
    r.country ?? '',
    r.asn ?? '',
    r.device?.id ?? '',
    r.device?.status ?? '',
    r.account.id,
    row.userHash,
    r.event,
    r.changes.join(' '),
  ];
  return cells.map(csvCell).join(',');
}

export function csvCell(v: unknown): string {
  let s = String(v);
  // Spreadsheet formula injection: a cell must not start with = + - @ (OWASP CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface StoredBundle {
  automation?: unknown;
  pointer?: { type?: unknown; eventCount?: unknown; clicks?: unknown[]; touches?: number };
  page?: unknown;
  sdk?: unknown;
}

/** One login with its reasons, scores, device, network and typing rhythm. */
export function loginDetail(a: QueryRow, role: AdminRole) {
  const bundle = a.bundle as StoredBundle | null;
  const account = a.account as Record<string, unknown>;
  return {
    // the detail row is the assessment's own columns joined with its account, device and bundle
    ...assessmentOutcome(a as AssessmentRow),
    createdAt: a.createdAt,
    changes: a.changes ?? [],
    label: a.label,
    feedback: a.feedback,
    network: {
      ip: maskIp(a.ip as string | null, role),
      country: a.country,
      asn: a.asn,
      userAgent: a.userAgent,
      collectIp: maskIp(a.bundleIp as string | null, role),
      origin: a.bundleOrigin,
    },
    account: { ...account, userHash: String(account.userHash).slice(0, 12) },
    device: a.device ? { ...(a.device as Record<string, unknown>), linkStatus: a.deviceStatus } : null,
    behaviour: bundle
      ? {
          automation: bundle.automation ?? null,
          pointer: bundle.pointer
            ? {
                type: bundle.pointer.type,
                eventCount: bundle.pointer.eventCount,
                clicks: bundle.pointer.clicks?.length ?? 0,
                touches: bundle.pointer.touches ?? 0,
              }
            : null,
          page: bundle.page ?? null,
          sdk: bundle.sdk ?? null,
        }
      : null,
    typing: typingView(bundle, a.typingProfile),
  };
}
