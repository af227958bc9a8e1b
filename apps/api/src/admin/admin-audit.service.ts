import { Injectable } from '@nestjs/common';
import { AdminAuthRepository } from '@kizuki/database';
import type { AdminPrincipal } from './auth/admin-session.service';

/** Every change made through the console: who, what, when, before/after. */
@Injectable()
export class AdminAuditService {
  constructor(private readonly repo: AdminAuthRepository) {}

  record(p: AdminPrincipal, action: string, target: { type: string; id?: string | null }, before?: unknown, after?: unknown): Promise<void> {
    return this.repo.audit(p.tenantId, { adminId: p.adminId, actor: p.email, action, targetType: target.type, targetId: target.id ?? null, before, after });
  }
}
