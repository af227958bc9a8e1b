import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from './rows';
import { withTenant } from '../tenant-scope';

/**
 * Accounts' display labels (sealed by the api, libs/crypto display-labels) and the tenant's switch.
 * The label lives on the account row: erasing the account erases it.
 */
@Injectable()
export class DisplayLabelRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * After a scored login: keeps the newest label of the account, unless the tenant switched labels
   * off. Rewritten only when a value changed (same keys: same values), so repeat logins write nothing.
   */
  async store(tenantId: string, userHash: string, sealed: string, keys: string[]): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      const rows = rowsOf(
        await m.query(
          `UPDATE accounts a SET display_label = $3, display_label_keys = $4::text[]
             FROM tenants t
            WHERE t.id = $1 AND t.display_labels AND a.tenant_id = $1 AND a.user_hash = $2
              AND a.display_label_keys IS DISTINCT FROM $4::text[]
           RETURNING a.id`,
          [tenantId, userHash, sealed, keys],
        ),
      );
      return rows.length > 0;
    });
  }

  async enabled(tenantId: string): Promise<boolean> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      (m) => m.query(`SELECT display_labels AS on FROM tenants WHERE id = $1`, [tenantId]),
      { readOnly: true },
    );
    return row?.on ?? false;
  }

  /** Switches labels on or off; off also wipes every stored label. Returns how many were wiped. */
  async setEnabled(tenantId: string, on: boolean): Promise<number> {
    return withTenant(this.db, tenantId, async (m) => {
      await m.query(`UPDATE tenants SET display_labels = $2 WHERE id = $1`, [tenantId, on]);
      if (on) return 0;
      const wiped = rowsOf(
        await m.query(
          `UPDATE accounts SET display_label = NULL, display_label_keys = '{}'
            WHERE tenant_id = $1 AND display_label IS NOT NULL RETURNING id`,
          [tenantId],
        ),
      );
      return wiped.length;
    });
  }
}
