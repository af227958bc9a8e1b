import { Injectable } from '@nestjs/common';
import { AdminConfigRepository, ListRepository } from '@kizuki/database';
import { isUuid } from '@kizuki/crypto';
import { WebhookEventsService } from '@kizuki/webhooks';
import { Errors } from '../../common/api-error';
import { AuditLog } from '../../common/audit-log.service';
import { PseudonymService } from '../../common/pseudonym.service';
import { AdminErrors } from '../admin-errors';
import type { ListEntryDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { maskIp } from '../ip-mask';
import { normaliseListValue } from '../list-values';

/** Allow and deny lists: entries canonicalised on the way in, audited, announced by list.changed. */
@Injectable()
export class ListsService {
  constructor(
    private readonly repo: AdminConfigRepository,
    private readonly lists: ListRepository,
    private readonly pseudonyms: PseudonymService,
    private readonly audit: AuditLog,
    private readonly webhooks: WebhookEventsService,
  ) {}

  async entries(p: AdminPrincipal) {
    const rows = await this.repo.listEntries(p.tenantId);
    return rows.map((r) => ({ ...r, value: r.kind === 'ip' || r.kind === 'cidr' ? maskIp(r.value, p.role) : r.value }));
  }

  async add(p: AdminPrincipal, dto: ListEntryDto) {
    const n = normaliseListValue(dto.kind, dto.value);
    if ('error' in n) throw AdminErrors.invalid(n.error, [{ path: 'value', problems: [n.error] }]);
    if (dto.kind === 'cidr' && !(await this.repo.isValidCidr(n.value))) {
      const problems = ['not a network address'];
      throw AdminErrors.invalid(`${dto.value} is not a network address (host bits set?)`, [
        { path: 'value', problems },
      ]);
    }
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw AdminErrors.invalid('expiresAt must be in the future.', [{ path: 'expiresAt', problems: ['in the past'] }]);
    }
    // user entries are matched on the pseudonym, like the score job computes it
    const value = dto.kind === 'user' ? this.pseudonyms.user(p.tenantId, n.value) : n.value;
    const comment = dto.comment ?? null;
    const { id } = await this.lists.add(p.tenantId, { list: dto.list, kind: dto.kind, value, comment, expiresAt });
    const shown = dto.kind === 'user' ? `user:${value.slice(0, 12)}` : value;
    const entry = { list: dto.list, kind: dto.kind, value: shown, comment, expiresAt };
    await this.audit.record(p, 'list.add', { type: 'list_entry', id }, undefined, entry);
    await this.webhooks.emit(p.tenantId, 'list.changed', `add|${id}|${Date.now()}`, {
      action: 'added',
      entryId: id,
      list: dto.list,
      kind: dto.kind,
      changedBy: p.email,
    });
    return { id, ...entry, value };
  }

  async remove(p: AdminPrincipal, id: string) {
    const removed = isUuid(id) ? await this.repo.deleteEntry(p.tenantId, id) : null;
    if (!removed) throw Errors.notFound('List entry');
    await this.audit.record(p, 'list.remove', { type: 'list_entry', id }, removed, undefined);
    await this.webhooks.emit(p.tenantId, 'list.changed', `remove|${id}`, {
      action: 'removed',
      entryId: id,
      list: removed.list,
      kind: removed.kind,
      changedBy: p.email,
    });
    return { id, removed: true };
  }
}
