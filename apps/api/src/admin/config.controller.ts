import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../docs/api-schemas';
import { randomBytes } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { generateApiKey, pseudonymiseUser } from '@kizuki/crypto';
import { AdminAuthRepository, AdminConfigRepository, AdminInsightsRepository, ListRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/webhooks';
import { DEFAULT_POLICY, DETECTOR_NAMES, resolvePolicy, type Policy } from '@kizuki/scoring';
import { Errors } from '../common/api-error';
import { AdminAuditService } from './admin-audit.service';
import { AdminErrors } from './admin-errors';
import { AuditQueryDto, CreateKeyDto, InviteDto, ListEntryDto, PolicyDto, RoleDto, RotateKeyDto } from './admin.dto';
import { Admin, AdminGuard, Roles } from './auth/admin.guard';
import { hashPassword } from '@kizuki/crypto';
import type { AdminPrincipal } from './auth/admin-session.service';
import { isUuid } from '@kizuki/crypto';
import { decodeCursor, encodeCursor } from './cursor';
import { maskIp } from './ip-mask';
import { normaliseListValue } from './list-values';

const BACKTEST_DAYS = 7;

@AdminApi()
@Controller('admin/api')
@UseGuards(AdminGuard)
export class ConfigController {
  constructor(
    private readonly repo: AdminConfigRepository,
    private readonly lists: ListRepository,
    private readonly insights: AdminInsightsRepository,
    private readonly admins: AdminAuthRepository,
    private readonly audit: AdminAuditService,
    private readonly config: KizukiConfig,
    private readonly webhooks: WebhookEventsService,
  ) {}

  // ── allow / deny lists ──

  @Get('lists')
  @ApiOperation({ summary: 'Allow and deny list entries' })
  async listEntries(@Admin() p: AdminPrincipal) {
    const rows = await this.repo.listEntries(p.tenantId);
    return { items: rows.map((r) => ({ ...r, value: r.kind === 'ip' || r.kind === 'cidr' ? maskIp(r.value, p.role) : r.value })) };
  }

  @Post('lists')
  @ApiOperation({ summary: 'Add a list entry (sends list.changed)' })
  @ApiErrors(400)
  @Roles('admin', 'analyst')
  @HttpCode(201)
  async addEntry(@Admin() p: AdminPrincipal, @Body() dto: ListEntryDto) {
    const n = normaliseListValue(dto.kind, dto.value);
    if ('error' in n) throw AdminErrors.invalid(n.error, [{ path: 'value', problems: [n.error] }]);
    if (dto.kind === 'cidr' && !(await this.repo.isValidCidr(n.value))) {
      throw AdminErrors.invalid(`${dto.value} is not a network address (host bits set?)`, [{ path: 'value', problems: ['not a network address'] }]);
    }
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw AdminErrors.invalid('expiresAt must be in the future.', [{ path: 'expiresAt', problems: ['in the past'] }]);
    // user entries are matched on the pseudonym, like the score job computes it
    const value = dto.kind === 'user' ? pseudonymiseUser(this.config.KIZUKI_SECRET, p.tenantId, n.value) : n.value;
    const { id } = await this.lists.add(p.tenantId, { list: dto.list, kind: dto.kind, value, comment: dto.comment ?? null, expiresAt });
    const entry = { list: dto.list, kind: dto.kind, value: dto.kind === 'user' ? `user:${value.slice(0, 12)}` : value, comment: dto.comment ?? null, expiresAt };
    await this.audit.record(p, 'list.add', { type: 'list_entry', id }, undefined, entry);
    await this.webhooks.emit(p.tenantId, 'list.changed', `add|${id}|${Date.now()}`, { action: 'added', entryId: id, list: dto.list, kind: dto.kind, changedBy: p.email });
    return { id, ...entry, value };
  }

  @Delete('lists/:id')
  @ApiOperation({ summary: 'Remove a list entry (sends list.changed)' })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  async deleteEntry(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const removed = isUuid(id) ? await this.repo.deleteEntry(p.tenantId, id) : null;
    if (!removed) throw Errors.notFound('List entry');
    await this.audit.record(p, 'list.remove', { type: 'list_entry', id }, removed, undefined);
    await this.webhooks.emit(p.tenantId, 'list.changed', `remove|${id}`, { action: 'removed', entryId: id, list: removed.list, kind: removed.kind, changedBy: p.email });
    return { id, removed: true };
  }

  // ── policy ──

  @Get('policy')
  @ApiOperation({ summary: 'The policy (thresholds, detectors, fallback, shadow mode) and its defaults' })
  async policy(@Admin() p: AdminPrincipal) {
    return { policy: resolvePolicy(await this.repo.policy(p.tenantId)), defaults: DEFAULT_POLICY, detectors: DETECTOR_NAMES };
  }

  private checkPolicy(dto: PolicyDto): Policy {
    if (dto.thresholds.challenge >= dto.thresholds.deny) {
      throw AdminErrors.invalid('The challenge threshold must be below the deny threshold.', [{ path: 'thresholds', problems: ['challenge >= deny'] }]);
    }
    return resolvePolicy({ ...dto, detectors: { ...dto.detectors } });
  }

  @Post('policy/backtest')
  @ApiOperation({ summary: 'Replay the last 7 days under a proposed policy' })
  @ApiErrors(400)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  async backtest(@Admin() p: AdminPrincipal, @Body() dto: PolicyDto) {
    const policy = this.checkPolicy(dto);
    const from = new Date(Date.now() - BACKTEST_DAYS * 24 * 3600_000);
    const rows = await this.insights.backtest(p.tenantId, from, { ...policy.thresholds, shadow: policy.shadowMode });
    const count = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).reduce((s, r) => s + r.n, 0);
    const decisions = ['allow', 'challenge', 'deny'] as const;
    return {
      days: BACKTEST_DAYS,
      total: count(() => true),
      current: Object.fromEntries(decisions.map((d) => [d, count((r) => r.before === d)])),
      proposed: Object.fromEntries(decisions.map((d) => [d, count((r) => r.after === d)])),
      changed: count((r) => r.before !== r.after),
      fraudAllowed: { current: count((r) => r.label === 'fraud' && r.before === 'allow'), proposed: count((r) => r.label === 'fraud' && r.after === 'allow') },
      legitBlocked: { current: count((r) => r.label === 'legit' && r.before !== 'allow'), proposed: count((r) => r.label === 'legit' && r.after !== 'allow') },
      matrix: rows.reduce<Record<string, number>>((m, r) => ((m[`${r.before}->${r.after}`] = (m[`${r.before}->${r.after}`] ?? 0) + r.n), m), {}),
    };
  }

  @Put('policy')
  @ApiOperation({ summary: 'Save the policy' })
  @ApiErrors(400)
  @Roles('admin')
  async savePolicy(@Admin() p: AdminPrincipal, @Body() dto: PolicyDto) {
    const policy = this.checkPolicy(dto);
    const before = resolvePolicy(await this.repo.policy(p.tenantId));
    await this.repo.setPolicy(p.tenantId, policy as unknown as Record<string, unknown>);
    await this.audit.record(p, 'policy.update', { type: 'policy', id: p.tenantId }, diff(before, policy).before, diff(before, policy).after);
    return { policy };
  }

  // ── API keys ──

  @Get('keys')
  @ApiOperation({ summary: 'API keys (prefixes only)' })
  @Roles('admin')
  async keys(@Admin() p: AdminPrincipal) {
    return { items: await this.repo.apiKeys(p.tenantId) };
  }

  @Post('keys')
  @ApiOperation({ summary: 'Create an API key (shown once)' })
  @ApiErrors(400)
  @Roles('admin')
  @HttpCode(201)
  async createKey(@Admin() p: AdminPrincipal, @Body() dto: CreateKeyDto) {
    const k = generateApiKey(dto.kind);
    const row = await this.repo.createApiKey(p.tenantId, { kind: dto.kind, prefix: k.prefix, hash: k.hash, label: dto.label ?? null });
    await this.audit.record(p, 'api_key.create', { type: 'api_key', id: row.id }, undefined, { kind: dto.kind, prefix: k.prefix, label: dto.label ?? null });
    // The key in clear exists only in this answer.
    return { key: k.key, item: row };
  }

  @Post('keys/:id/rotate')
  @ApiOperation({ summary: 'Rotate a key (the old one keeps working for the overlap)' })
  @ApiErrors(400, 404, 409)
  @Roles('admin')
  @HttpCode(201)
  async rotateKey(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: RotateKeyDto) {
    const old = isUuid(id) ? await this.repo.findApiKey(p.tenantId, id) : null;
    if (!old) throw Errors.notFound('API key');
    const k = generateApiKey(old.kind);
    const overlapUntil = new Date(Date.now() + (dto.overlapHours ?? 24) * 3600_000);
    const row = await this.repo.rotateApiKey(p.tenantId, id, { prefix: k.prefix, hash: k.hash }, overlapUntil);
    if (!row) throw AdminErrors.conflict('Only an active key can be rotated.');
    await this.audit.record(p, 'api_key.rotate', { type: 'api_key', id }, { prefix: old.prefix, expiresAt: old.expiresAt }, { prefix: old.prefix, expiresAt: overlapUntil, replacedBy: k.prefix });
    return { key: k.key, item: row, oldKeyExpiresAt: overlapUntil };
  }

  @Post('keys/:id/revoke')
  @ApiOperation({ summary: 'Revoke a key' })
  @ApiErrors(404)
  @Roles('admin')
  @HttpCode(200)
  async revokeKey(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const old = isUuid(id) ? await this.repo.findApiKey(p.tenantId, id) : null;
    if (!old) throw Errors.notFound('API key');
    await this.repo.revokeApiKey(p.tenantId, id);
    await this.audit.record(p, 'api_key.revoke', { type: 'api_key', id }, { prefix: old.prefix, revoked: !!old.revokedAt }, { prefix: old.prefix, revoked: true });
    return { id, revoked: true };
  }

  // ── team ──

  @Get('team')
  @ApiOperation({ summary: 'Team members' })
  @Roles('admin')
  async team(@Admin() p: AdminPrincipal) {
    return { items: await this.admins.listTeam(p.tenantId) };
  }

  /** Creates the member with a one-time password (shown once), to be replaced at first sign-in. */
  @Post('team')
  @ApiOperation({ summary: 'Invite a member (one-time password shown once)' })
  @ApiErrors(400, 409)
  @Roles('admin')
  @HttpCode(201)
  async invite(@Admin() p: AdminPrincipal, @Body() dto: InviteDto) {
    const oneTimePassword = randomBytes(12).toString('base64url');
    const row = await this.admins.createMember(p.tenantId, { email: dto.email, role: dto.role, passwordHash: await hashPassword(oneTimePassword) });
    if (!row) throw AdminErrors.conflict('This e-mail is already a member.');
    await this.audit.record(p, 'team.invite', { type: 'admin', id: row.id }, undefined, { email: dto.email.toLowerCase(), role: dto.role });
    return { id: row.id, email: dto.email.toLowerCase(), role: dto.role, oneTimePassword };
  }

  @Patch('team/:id')
  @ApiOperation({ summary: "Change a member's role" })
  @ApiErrors(400, 404, 409)
  @Roles('admin')
  async setRole(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: RoleDto) {
    if (id === p.adminId) throw AdminErrors.conflict('You cannot change your own role.');
    const r = isUuid(id) ? await this.admins.setRole(p.tenantId, id, dto.role) : null;
    if (!r) throw Errors.notFound('Member');
    await this.audit.record(p, 'team.role', { type: 'admin', id }, { role: r.before }, { role: dto.role });
    return { id, role: dto.role };
  }

  @Delete('team/:id')
  @ApiOperation({ summary: 'Remove a member' })
  @ApiErrors(404, 409)
  @Roles('admin')
  async remove(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    if (id === p.adminId) throw AdminErrors.conflict('You cannot remove yourself.');
    const r = isUuid(id) ? await this.admins.removeMember(p.tenantId, id) : null;
    if (!r) throw Errors.notFound('Member');
    await this.audit.record(p, 'team.remove', { type: 'admin', id }, r, undefined);
    return { id, removed: true };
  }

  @Get('audit')
  @ApiOperation({ summary: 'Audit log of console changes, newest first' })
  @ApiErrors(400)
  @Roles('admin')
  async auditLog(@Admin() p: AdminPrincipal, @Query() q: AuditQueryDto) {
    const rows = (await this.admins.listAudit(p.tenantId, 101, decodeCursor(q.cursor))) as { id: string; createdAt: Date }[];
    const page = rows.slice(0, 100);
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > 100 && last ? encodeCursor(new Date(last.createdAt).toISOString(), last.id) : null };
  }
}

/** Only the fields that changed, before and after. */
function diff(a: Policy, b: Policy): { before: Record<string, unknown>; after: Record<string, unknown> } {
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
