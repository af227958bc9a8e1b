import { Injectable } from '@nestjs/common';
import { AdminConfigRepository } from '@kizuki/database';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import type { AdminPrincipal } from '../auth/admin-session.service';
import type { CollectSourcesDto } from './sources.dto';

/**
 * Where the tenant's publishable keys may collect from: the login pages' origins and the mobile apps'
 * ids (bundle id / package name). Api processes pick a change up within the key cache's 30 s.
 */
@Injectable()
export class SourcesService {
  constructor(
    private readonly repo: AdminConfigRepository,
    private readonly audit: AuditLog,
  ) {}

  get(tenantId: string) {
    return this.repo.sources(tenantId);
  }

  async save(p: AdminPrincipal, dto: CollectSourcesDto) {
    const origins = [...new Set(dto.origins)];
    for (const o of origins) {
      let u: URL | null;
      try {
        u = new URL(o);
      } catch {
        u = null;
      }
      // what a browser sends as Origin: scheme, host, port only, lower case, no default port
      if (!u || u.origin !== o)
        throw AdminErrors.invalid(`${o} is not an origin as browsers send it (e.g. https://shop.example).`);
    }
    const next = { origins, appIds: [...new Set(dto.appIds)] };
    const before = await this.repo.sources(p.tenantId);
    await this.repo.setSources(p.tenantId, next);
    await this.audit.record(p, 'sources.update', { type: 'tenant', id: p.tenantId }, before, next);
    return next;
  }
}
