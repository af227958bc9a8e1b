import { Injectable } from '@nestjs/common';
import { AdminAuthRepository } from '@kizuki/database';

/** A console member acting (the session's principal). */
export interface AuditAdmin {
  tenantId: string;
  adminId: string;
  email: string;
}

export interface AuditTarget {
  type: string;
  id?: string | null;
}

/**
 * The tenant's one audit log: every change made through the console or on a user's data through
 * /v1 — who, what, when, before/after. Shown to admins at /admin/api/audit.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly repo: AdminAuthRepository) {}

  record(
    p: AuditAdmin,
    action: string,
    target: AuditTarget,
    before?: unknown,
    after?: unknown,
    ip?: string | null,
  ): Promise<void> {
    return this.repo.audit(p.tenantId, {
      adminId: p.adminId,
      actor: p.email,
      action,
      targetType: target.type,
      targetId: target.id ?? null,
      before,
      after,
      ip,
    });
  }

  /** An API key acting on /v1: the key's public prefix is the actor. */
  recordApi(
    tenant: { tenantId: string; keyPrefix?: string },
    action: string,
    target: AuditTarget,
    after?: unknown,
  ): Promise<void> {
    return this.repo.audit(tenant.tenantId, {
      adminId: null,
      actor: tenant.keyPrefix ?? 'api',
      action,
      targetType: target.type,
      targetId: target.id ?? null,
      after,
    });
  }

  /** The tenant's entries, newest first, before a keyset position. */
  list(
    tenantId: string,
    limit: number,
    before?: { createdAt: string; id: string },
  ): Promise<{ id: string; createdAt: Date }[]> {
    return this.repo.listAudit(tenantId, limit, before) as Promise<{ id: string; createdAt: Date }[]>;
  }
}
