import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';
import { rowsOf } from './rows';

/**
 * "Was this you?" links: the signed link says which login and device; this table makes it
 * single-use. Following approve or report claims the login's link id once (both actions of one
 * login share it), and applies the device status in the same transaction.
 */
@Injectable()
export class DeviceLinkRepository {
  constructor(private readonly db: DataSource) {}

  /** One statement in the tenant's row-level-security scope. */
  private q(tenantId: string, sql: string, params: unknown[]) {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params));
  }

  /** The assessment's account and device, if the assessment exists in this tenant. */
  async target(tenantId: string, assessmentId: string): Promise<{ accountId: string; deviceId: string } | null> {
    const [row] = await this.q(
      tenantId,
      `SELECT account_id AS "accountId", device_id AS "deviceId"
         FROM assessments
        WHERE tenant_id = $1 AND id = $2 AND account_id IS NOT NULL AND device_id IS NOT NULL`,
      [tenantId, assessmentId],
    );
    return row ?? null;
  }

  async isUsed(tenantId: string, linkId: string): Promise<boolean> {
    const [row] = await this.q(tenantId, `SELECT 1 FROM device_links WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      linkId,
    ]);
    return !!row;
  }

  /**
   * Claims the link and sets the device's status for the account ('trusted', or 'fraud' on the
   * account link and the device itself). False when the link was used already (or concurrently).
   */
  async use(
    tenantId: string,
    link: {
      id: string;
      assessmentId: string;
      accountId: string;
      deviceId: string;
      expiresAt: Date;
      action: 'approve' | 'report';
    },
  ): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      const claimed = rowsOf(
        await m.query(
          `INSERT INTO device_links
             (id, tenant_id, account_id, device_id, assessment_id, expires_at, used_at, used_action)
           VALUES ($1, $2, $3, $4, $5, $6, now(), $7) ON CONFLICT DO NOTHING RETURNING id`,
          [link.id, tenantId, link.accountId, link.deviceId, link.assessmentId, link.expiresAt, link.action],
        ),
      );
      if (!claimed.length) return false;
      const status = link.action === 'approve' ? 'trusted' : 'fraud';
      await m.query(
        `UPDATE account_devices SET status = $4 WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3`,
        [tenantId, link.accountId, link.deviceId, status],
      );
      if (status === 'fraud')
        await m.query(`UPDATE devices SET status = 'fraud' WHERE tenant_id = $1 AND id = $2`, [
          tenantId,
          link.deviceId,
        ]);
      return true;
    });
  }
}
