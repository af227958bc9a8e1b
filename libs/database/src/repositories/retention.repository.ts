import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from './rows';
import { withTenant } from '../tenant-scope';

export interface TenantRetention {
  tenantId: string;
  retention: Record<string, unknown>;
}

/** Purges old rows of one tenant in bounded batches (one short transaction per batch). */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Every tenant's retention settings. Crosses tenants by design (the retention job visits them
   * all): the SECURITY DEFINER function kizuki_tenant_retention returns only ids and settings.
   */
  async tenants(): Promise<TenantRetention[]> {
    return this.db.query(`SELECT id AS "tenantId", retention FROM kizuki_tenant_retention()`);
  }

  /** Deletes up to `limit` signal bundles received before `before`; returns how many. */
  async purgeBundles(tenantId: string, before: Date, limit: number): Promise<number> {
    const rows = await withTenant(this.db, tenantId, (m) =>
      m.query(
        `DELETE FROM signal_bundles WHERE tenant_id = $1 AND id IN (
           SELECT id FROM signal_bundles WHERE tenant_id = $1 AND received_at < $2 ORDER BY received_at LIMIT $3) RETURNING id`,
        [tenantId, before, limit],
      ),
    );
    return rowsOf(rows).length;
  }

  /** Deletes up to `limit` assessments made before `before` (their feedback goes with them); returns how many. */
  async purgeAssessments(tenantId: string, before: Date, limit: number): Promise<number> {
    const rows = await withTenant(this.db, tenantId, (m) =>
      m.query(
        `DELETE FROM assessments WHERE tenant_id = $1 AND id IN (
           SELECT id FROM assessments WHERE tenant_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3) RETURNING id`,
        [tenantId, before, limit],
      ),
    );
    return rowsOf(rows).length;
  }

  /** Token uses only matter while a token can be presented (TOKEN_TTL_SECONDS ≤ 1 h). */
  async purgeTokenUses(tenantId: string, before: Date, limit: number): Promise<number> {
    const rows = await withTenant(this.db, tenantId, (m) =>
      m.query(
        `DELETE FROM token_uses WHERE tenant_id = $1 AND token_id IN (
           SELECT token_id FROM token_uses WHERE tenant_id = $1 AND created_at < $2 LIMIT $3) RETURNING token_id`,
        [tenantId, before, limit],
      ),
    );
    return rowsOf(rows).length;
  }
}
