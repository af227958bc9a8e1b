import { Injectable } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { displayLabelSearchKey, maskDisplayLabel, openDisplayLabel, type DisplayLabel } from '@kizuki/crypto';
import type { AdminRole } from '@kizuki/database';

/** The api's one way to show an account's sealed display label (masked for viewers) and to search one. */
@Injectable()
export class DisplayLabels {
  constructor(private readonly config: KizukiConfig) {}

  view(tenantId: string, sealed: string | null | undefined, role: AdminRole): DisplayLabel | null {
    const label = openDisplayLabel(this.config.KIZUKI_SECRET, tenantId, sealed ?? null);
    return role === 'viewer' ? maskDisplayLabel(label) : label;
  }

  searchKey(tenantId: string, value: string): string {
    return displayLabelSearchKey(this.config.KIZUKI_SECRET, tenantId, value);
  }
}
