import { Injectable } from '@nestjs/common';
import { isUuid } from '@kizuki/crypto';
import { AdminInsightsRepository, AssessmentRepository, type LoginFilter } from '@kizuki/database';
import { canonicalIp, parseCidr } from '@kizuki/scoring';
import { Errors } from '../../common/api-error';
import { AuditLog } from '../../common/audit-log.service';
import { PseudonymService } from '../../common/pseudonym.service';
import { FeedbackService } from '../../feedback/feedback.service';
import { AdminErrors } from '../admin-errors';
import type { LoginsQueryDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { decodeCursor, keysetPage } from '../cursor';
import { CSV_HEADER, csvLine, loginDetail, loginRow } from './login-view';

const EXPORT_MAX_ROWS = 200_000;
const DEFAULT_PAGE = 50;

/** The logins (assessments) an analyst browses, exports and labels. */
@Injectable()
export class LoginsService {
  constructor(
    private readonly insights: AdminInsightsRepository,
    private readonly assessments: AssessmentRepository,
    private readonly feedback: FeedbackService,
    private readonly pseudonyms: PseudonymService,
    private readonly audit: AuditLog,
  ) {}

  filter(p: AdminPrincipal, q: LoginsQueryDto): LoginFilter {
    let ip: string | undefined;
    if (q.ip) {
      // Viewers see truncated IPs; they cannot look a full one up either.
      if (p.role === 'viewer') throw AdminErrors.forbidden();
      const block = parseCidr(q.ip);
      // a block as written (host bits kept): inet containment ignores them
      ip = canonicalIp(q.ip) ?? (block ? `${block.address}/${block.bits}` : undefined);
      if (!ip) throw AdminErrors.invalid('ip must be an IP address or a CIDR block.');
    }
    return {
      event: q.event,
      decision: q.decision,
      reason: q.reason,
      userHash: q.user ? this.pseudonyms.user(p.tenantId, q.user) : undefined,
      accountId: q.account,
      ip,
      deviceId: q.device,
      country: q.country?.toUpperCase(),
      label: q.label,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    };
  }

  async page(p: AdminPrincipal, q: LoginsQueryDto) {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.insights.listLogins(p.tenantId, this.filter(p, q), limit + 1, decodeCursor(q.cursor));
    const { items, nextCursor } = keysetPage(rows, limit, (r) => ({ at: r.cursorAt, id: r.id }));
    return { items: items.map((r) => loginRow(r, p.role)), nextCursor };
  }

  /** The filtered list as CSV lines, read page by page (keyset), never held in memory; the export is audited. */
  async exportCsv(p: AdminPrincipal, q: LoginsQueryDto): Promise<AsyncIterable<string>> {
    const pages = this.insights.streamLogins(p.tenantId, this.filter(p, q), EXPORT_MAX_ROWS);
    const filter = { ...q, user: q.user ? '(pseudonymised)' : undefined };
    await this.audit.record(p, 'logins.export', { type: 'assessments' }, undefined, { filter });
    return (async function* csv(): AsyncGenerator<string> {
      yield CSV_HEADER;
      for await (const rows of pages) yield rows.map((r) => csvLine(r, p.role)).join('\n') + '\n';
    })();
  }

  async detail(p: AdminPrincipal, id: string) {
    const a = isUuid(id) ? await this.insights.loginDetail(p.tenantId, id) : null;
    if (!a) throw Errors.notFound('Login');
    return loginDetail(a, p.role);
  }

  /** An analyst's label feeds learning exactly like POST /v1/feedback. */
  async label(p: AdminPrincipal, id: string, label: 'legit' | 'fraud') {
    const before = isUuid(id) ? await this.assessments.findById(p.tenantId, id) : null;
    if (!before) throw Errors.notFound('Login');
    const done = await this.feedback.record(p.tenantId, id, label, 'console');
    if (!done) throw Errors.notFound('Login');
    await this.audit.record(p, 'login.label', { type: 'assessment', id }, { label: before.label }, { label });
    return { id, label, feedbackId: done.id };
  }
}
