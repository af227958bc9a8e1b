import { Injectable } from '@nestjs/common';
import { AdminConfigRepository } from '@kizuki/database';
import { generateApiKey, isUuid } from '@kizuki/crypto';
import { Errors } from '../../common/api-error';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import type { CreateKeyDto, RotateKeyDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';

const DEFAULT_OVERLAP_HOURS = 24;

/** The tenant's API keys: only prefixes are listed; a key in clear exists only in the answer that creates it. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: AdminConfigRepository,
    private readonly audit: AuditLog,
  ) {}

  list(tenantId: string) {
    return this.repo.apiKeys(tenantId);
  }

  async create(p: AdminPrincipal, dto: CreateKeyDto) {
    const k = generateApiKey(dto.kind);
    const label = dto.label ?? null;
    const row = await this.repo.createApiKey(p.tenantId, { kind: dto.kind, prefix: k.prefix, hash: k.hash, label });
    await this.audit.record(p, 'api_key.create', { type: 'api_key', id: row.id }, undefined, {
      kind: dto.kind,
      prefix: k.prefix,
      label,
    });
    return { key: k.key, item: row };
  }

  /** A new key for an active one; the old one keeps working for the overlap. */
  async rotate(p: AdminPrincipal, id: string, dto: RotateKeyDto) {
    const old = await this.find(p.tenantId, id);
    const k = generateApiKey(old.kind);
    const overlapUntil = new Date(Date.now() + (dto.overlapHours ?? DEFAULT_OVERLAP_HOURS) * 3600_000);
    const row = await this.repo.rotateApiKey(p.tenantId, id, { prefix: k.prefix, hash: k.hash }, overlapUntil);
    if (!row) throw AdminErrors.conflict('Only an active key can be rotated.');
    const before = { prefix: old.prefix, expiresAt: old.expiresAt };
    await this.audit.record(p, 'api_key.rotate', { type: 'api_key', id }, before, {
      prefix: old.prefix,
      expiresAt: overlapUntil,
      replacedBy: k.prefix,
    });
    return { key: k.key, item: row, oldKeyExpiresAt: overlapUntil };
  }

  async revoke(p: AdminPrincipal, id: string) {
    const old = await this.find(p.tenantId, id);
    await this.repo.revokeApiKey(p.tenantId, id);
    const before = { prefix: old.prefix, revoked: !!old.revokedAt };
    await this.audit.record(p, 'api_key.revoke', { type: 'api_key', id }, before, {
      prefix: old.prefix,
      revoked: true,
    });
    return { id, revoked: true };
  }

  private async find(tenantId: string, id: string) {
    const key = isUuid(id) ? await this.repo.findApiKey(tenantId, id) : null;
    if (!key) throw Errors.notFound('API key');
    return key;
  }
}
