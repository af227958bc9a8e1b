import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AdminAuthRepository } from '@kizuki/database';
import { hashPassword, isUuid } from '@kizuki/crypto';
import { Errors } from '../../common/api-error';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import type { InviteDto, RoleDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';

/** The console's members: invited with a one-time password, roles changed, removed — never by themselves. */
@Injectable()
export class TeamService {
  constructor(
    private readonly admins: AdminAuthRepository,
    private readonly audit: AuditLog,
  ) {}

  list(tenantId: string) {
    return this.admins.listTeam(tenantId);
  }

  /** The one-time password (shown once) is replaced at first sign-in. */
  async invite(p: AdminPrincipal, dto: InviteDto) {
    const oneTimePassword = randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(oneTimePassword);
    const row = await this.admins.createMember(p.tenantId, { email: dto.email, role: dto.role, passwordHash });
    if (!row) throw AdminErrors.conflict('This e-mail is already a member.');
    const email = dto.email.toLowerCase();
    await this.audit.record(p, 'team.invite', { type: 'admin', id: row.id }, undefined, { email, role: dto.role });
    return { id: row.id, email, role: dto.role, oneTimePassword };
  }

  async setRole(p: AdminPrincipal, id: string, dto: RoleDto) {
    if (id === p.adminId) throw AdminErrors.conflict('You cannot change your own role.');
    const r = isUuid(id) ? await this.admins.setRole(p.tenantId, id, dto.role) : null;
    if (!r) throw Errors.notFound('Member');
    await this.audit.record(p, 'team.role', { type: 'admin', id }, { role: r.before }, { role: dto.role });
    return { id, role: dto.role };
  }

  async remove(p: AdminPrincipal, id: string) {
    if (id === p.adminId) throw AdminErrors.conflict('You cannot remove yourself.');
    const r = isUuid(id) ? await this.admins.removeMember(p.tenantId, id) : null;
    if (!r) throw Errors.notFound('Member');
    await this.audit.record(p, 'team.remove', { type: 'admin', id }, r, undefined);
    return { id, removed: true };
  }
}
