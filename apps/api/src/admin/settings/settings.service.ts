import { Injectable } from '@nestjs/common';
import { DisplayLabelRepository } from '@kizuki/database';
import { AuditLog } from '../../common/audit-log.service';
import type { AdminPrincipal } from '../auth/admin-session.service';

/** The tenant's privacy settings: whether display labels sent with risk calls are stored. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly labels: DisplayLabelRepository,
    private readonly audit: AuditLog,
  ) {}

  async current(tenantId: string): Promise<{ displayLabels: boolean }> {
    return { displayLabels: await this.labels.enabled(tenantId) };
  }

  /** Off wipes every stored label at once (and the worker stores none from then on). */
  async save(p: AdminPrincipal, displayLabels: boolean): Promise<{ displayLabels: boolean; wiped: number }> {
    const before = await this.labels.enabled(p.tenantId);
    const wiped = await this.labels.setEnabled(p.tenantId, displayLabels);
    await this.audit.record(
      p,
      'settings.update',
      { type: 'tenant', id: p.tenantId },
      { displayLabels: before },
      { displayLabels, ...(wiped ? { labelsWiped: wiped } : {}) },
    );
    return { displayLabels, wiped };
  }
}
