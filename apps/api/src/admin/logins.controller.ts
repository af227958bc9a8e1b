import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../docs/api-schemas';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { pseudonymiseUser } from '@kizuki/crypto';
import { AdminInsightsRepository, AssessmentRepository, type LoginFilter, type LoginListRow } from '@kizuki/database';
import { Errors } from '../common/api-error';
import { AdminAuditService } from './admin-audit.service';
import { AdminErrors } from './admin-errors';
import { AdminLabelService } from './admin-label.service';
import { LabelDto, LoginsQueryDto } from './admin.dto';
import { Admin, AdminGuard, Roles } from './auth/admin.guard';
import type { AdminPrincipal } from './auth/admin-session.service';
import { isUuid } from '@kizuki/crypto';
import { decodeCursor, encodeCursor } from './cursor';
import { canonicalIp, parseCidr } from '@kizuki/scoring';
import { maskIp } from './ip-mask';
import { typingView } from './typing-view';

const EXPORT_MAX_ROWS = 200_000;

@AdminApi()
@Controller('admin/api/logins')
@UseGuards(AdminGuard)
export class LoginsController {
  constructor(
    private readonly insights: AdminInsightsRepository,
    private readonly assessments: AssessmentRepository,
    private readonly labels: AdminLabelService,
    private readonly audit: AdminAuditService,
    private readonly config: KizukiConfig,
  ) {}

  private filter(p: AdminPrincipal, q: LoginsQueryDto): LoginFilter {
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
      decision: q.decision,
      reason: q.reason,
      userHash: q.user ? pseudonymiseUser(this.config.KIZUKI_SECRET, p.tenantId, q.user) : undefined,
      accountId: q.account,
      ip,
      deviceId: q.device,
      country: q.country?.toUpperCase(),
      label: q.label,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
    };
  }

  private present(r: LoginListRow, p: AdminPrincipal) {
    return {
      id: r.id,
      createdAt: r.createdAt,
      decision: r.decision,
      policyDecision: r.policyDecision,
      shadow: r.shadow,
      status: r.status,
      score: r.score,
      reasons: r.reasonCodes,
      label: r.label,
      ip: maskIp(r.ip, p.role),
      country: r.country,
      asn: r.asn,
      device: r.deviceId ? { id: r.deviceId, status: r.deviceStatus } : null,
      account: { id: r.accountId, userHash: r.userHash.slice(0, 12) },
    };
  }

  @Get()

  @ApiOperation({ summary: 'Logins (assessments), newest first, with filters and keyset pages' })
  @ApiErrors(400)  async list(@Admin() p: AdminPrincipal, @Query() q: LoginsQueryDto) {
    const limit = q.limit ?? 50;
    const rows = await this.insights.listLogins(p.tenantId, this.filter(p, q), limit + 1, decodeCursor(q.cursor));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => this.present(r, p)), nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null };
  }

  /** CSV of the filtered list, streamed page by page (keyset), never held in memory. */
  @Get('export.csv')
  @ApiOperation({ summary: 'The filtered logins as CSV' })
  @ApiErrors(400)
  async export(@Admin() p: AdminPrincipal, @Query() q: LoginsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const filter = this.filter(p, q);
    const pages = this.insights.streamLogins(p.tenantId, filter, EXPORT_MAX_ROWS);
    const present = (r: LoginListRow) => this.present(r, p);
    async function* csv(): AsyncGenerator<string> {
      yield 'id,created_at,decision,policy_decision,shadow,status,score,reasons,label,ip,country,asn,device_id,device_status,account_id,user_hash\n';
      for await (const rows of pages) {
        yield rows
          .map((row) => {
            const r = present(row);
            return [r.id, new Date(r.createdAt).toISOString(), r.decision, r.policyDecision, r.shadow, r.status, r.score, r.reasons.join(' '),
              r.label ?? '', r.ip ?? '', r.country ?? '', r.asn ?? '', r.device?.id ?? '', r.device?.status ?? '', r.account.id, row.userHash]
              .map(csvCell)
              .join(',');
          })
          .join('\n') + '\n';
      }
    }
    await this.audit.record(p, 'logins.export', { type: 'assessments' }, undefined, { filter: { ...q, user: q.user ? '(pseudonymised)' : undefined } });
    reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="kizuki-logins-${new Date().toISOString().slice(0, 10)}.csv"`)
      .header('Cache-Control', 'no-store');
    await reply.send(Readable.from(csv()));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One login with its reasons, scores, device, network and typing rhythm' })
  @ApiErrors(404)
  async detail(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const a = isUuid(id) ? await this.insights.loginDetail(p.tenantId, id) : null;
    if (!a) throw Errors.notFound('Login');
    const bundle = a.bundle as Record<string, any> | null;
    return {
      id: a.id,
      createdAt: a.createdAt,
      event: a.event,
      status: a.status,
      decision: a.decision,
      policyDecision: a.policyDecision,
      shadow: a.shadow,
      score: a.score,
      scores: a.scores,
      reasons: a.reasons,
      label: a.label,
      feedback: a.feedback,
      network: { ip: maskIp(a.ip, p.role), country: a.country, asn: a.asn, userAgent: a.userAgent, collectIp: maskIp(a.bundleIp, p.role), origin: a.bundleOrigin },
      account: { ...a.account, userHash: String(a.account.userHash).slice(0, 12) },
      device: a.device ? { ...a.device, linkStatus: a.deviceStatus } : null,
      behaviour: bundle
        ? {
            automation: bundle.automation ?? null,
            pointer: bundle.pointer
              ? { type: bundle.pointer.type, eventCount: bundle.pointer.eventCount, clicks: bundle.pointer.clicks?.length ?? 0, touches: bundle.pointer.touches ?? 0 }
              : null,
            page: bundle.page ?? null,
            sdk: bundle.sdk ?? null,
          }
        : null,
      typing: typingView(bundle, a.typingProfile),
    };
  }

  @Post(':id/label')
  @ApiOperation({ summary: 'Label a login legit or fraud (feeds learning)' })
  @ApiErrors(400, 404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  async label(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: LabelDto) {
    const before = isUuid(id) ? await this.assessments.findById(p.tenantId, id) : null;
    if (!before) throw Errors.notFound('Login');
    const done = await this.labels.label(p.tenantId, id, dto.label, 'console');
    if (!done) throw Errors.notFound('Login');
    await this.audit.record(p, 'login.label', { type: 'assessment', id }, { label: before.label }, { label: dto.label });
    return { id, label: dto.label, feedbackId: done.feedbackId };
  }
}

function csvCell(v: unknown): string {
  let s = String(v);
  // Spreadsheet formula injection: a cell must not start with = + - @ (OWASP CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
