import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from './rows';
import { withTenant } from '../tenant-scope';

export interface UserDevice {
  id: string;
  status: 'new' | 'pending' | 'trusted' | 'fraud';
  deviceStatus: 'new' | 'fraud';
  logins: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface ErasureCounts {
  accounts: number;
  assessments: number;
  signalBundles: number;
  devices: number;
  /** identity documents linked to the account (their stored hashes; the watch list is the tenant's) */
  identityDocuments: number;
}

/**
 * A user's data, addressed by the pseudonym of their id (the customer's user id is never stored):
 * devices and their approval, export and erasure (APPI / GDPR).
 */
@Injectable()
export class UserDataRepository {
  constructor(private readonly db: DataSource) {}

  async accountId(tenantId: string, userHash: string): Promise<string | null> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      (m) => m.query(`SELECT id FROM accounts WHERE tenant_id = $1 AND user_hash = $2`, [tenantId, userHash]),
      {
        readOnly: true,
      },
    );
    return row?.id ?? null;
  }

  async devices(tenantId: string, accountId: string): Promise<UserDevice[]> {
    return withTenant(
      this.db,
      tenantId,
      (m) =>
        m.query(
          `SELECT d.id, CASE WHEN d.status = 'fraud' THEN 'fraud' ELSE ad.status END AS status,
              d.status AS "deviceStatus", ad.logins, ad.first_seen_at AS "firstSeenAt", ad.last_seen_at AS "lastSeenAt"
         FROM account_devices ad JOIN devices d ON d.id = ad.device_id AND d.tenant_id = ad.tenant_id
        WHERE ad.tenant_id = $1 AND ad.account_id = $2 ORDER BY ad.last_seen_at DESC LIMIT 500`,
          [tenantId, accountId],
        ),
      { readOnly: true },
    );
  }

  /** Trust (approve) or report (fraud) one of the account's devices; false if it is not the account's. */
  async setDeviceStatus(
    tenantId: string,
    accountId: string,
    deviceId: string,
    status: 'trusted' | 'fraud',
  ): Promise<boolean> {
    return withTenant(this.db, tenantId, async (m) => {
      const updated = rowsOf(
        await m.query(
          `UPDATE account_devices SET status = $4
            WHERE tenant_id = $1 AND account_id = $2 AND device_id = $3
            RETURNING device_id`,
          [tenantId, accountId, deviceId, status],
        ),
      );
      if (!updated.length) return false;
      if (status === 'fraud')
        await m.query(`UPDATE devices SET status = 'fraud' WHERE tenant_id = $1 AND id = $2`, [tenantId, deviceId]);
      return true;
    });
  }

  /** Everything stored about the account, for a data-subject access request. */
  async export(tenantId: string, accountId: string): Promise<Record<string, unknown>> {
    return withTenant(this.db, tenantId, (m) => this.exportIn(m, tenantId, accountId), { readOnly: true });
  }

  private async exportIn(m: EntityManager, tenantId: string, accountId: string): Promise<Record<string, unknown>> {
    const [account] = await m.query(
      `SELECT id, created_at AS "createdAt", last_seen_at AS "lastSeenAt", login_count AS "loginCount",
              trusted_logins AS "trustedLogins", typing_profile AS "typingProfile", pointer_profile AS "pointerProfile",
              countries, languages, networks, last_login AS "lastLogin"
         FROM accounts WHERE tenant_id = $1 AND id = $2`,
      [tenantId, accountId],
    );
    const devices = await m.query(
      `SELECT d.id, ad.status, ad.logins, ad.first_seen_at AS "firstSeenAt", ad.last_seen_at AS "lastSeenAt",
              d.components
         FROM account_devices ad
         JOIN devices d ON d.id = ad.device_id AND d.tenant_id = ad.tenant_id
        WHERE ad.tenant_id = $1 AND ad.account_id = $2`,
      [tenantId, accountId],
    );
    const assessments = await m.query(
      `SELECT id, event, status, decision, score, scores, reasons, host(ip) AS ip, country, asn,
              user_agent AS "userAgent", label, created_at AS "createdAt", bundle_id AS "bundleId"
         FROM assessments WHERE tenant_id = $1 AND account_id = $2 ORDER BY created_at`,
      [tenantId, accountId],
    );
    const bundles = await m.query(
      `SELECT b.id, b.received_at AS "receivedAt", host(b.ip) AS ip, b.user_agent AS "userAgent", b.origin, b.payload
         FROM signal_bundles b
        WHERE b.tenant_id = $1
          AND b.id IN (SELECT bundle_id FROM assessments WHERE tenant_id = $1 AND account_id = $2)`,
      [tenantId, accountId],
    );
    const feedback = await m.query(
      `SELECT f.assessment_id AS "assessmentId", f.label, f.source, f.created_at AS "createdAt"
         FROM feedback f JOIN assessments a ON a.id = f.assessment_id AND a.tenant_id = f.tenant_id
        WHERE f.tenant_id = $1 AND a.account_id = $2`,
      [tenantId, accountId],
    );
    const identityDocuments = await m.query(
      `SELECT d.document_hash AS "documentHash", d.first_seen_at AS "firstSeenAt", d.last_seen_at AS "lastSeenAt",
              EXISTS (SELECT 1 FROM document_watchlist w
                       WHERE w.tenant_id = d.tenant_id AND w.document_hash = d.document_hash) AS "onWatchList"
         FROM identity_documents d JOIN accounts a ON a.tenant_id = d.tenant_id AND a.user_hash = d.user_hash
        WHERE d.tenant_id = $1 AND a.id = $2 ORDER BY d.first_seen_at`,
      [tenantId, accountId],
    );
    return { account, devices, assessments, signalBundles: bundles, feedback, identityDocuments };
  }

  /**
   * Erases the account and everything derived from it: assessments (and their feedback and token
   * uses), the signal bundles of its logins, and devices no other account used.
   */
  async erase(tenantId: string, accountId: string): Promise<ErasureCounts> {
    return withTenant(this.db, tenantId, async (m) => {
      // One statement: the account's assessments, and what names them (no foreign keys: assessments
      // are partitioned), each found by its own key from the deleted rows (token uses by their token,
      // which is the assessment's bundle; idempotency keys by key).
      const [gone] = rowsOf<{ assessments: number; bundles: number }>(
        await m.query(
          `WITH a AS (DELETE FROM assessments WHERE tenant_id = $1 AND account_id = $2
                      RETURNING id, bundle_id, idempotency_key),
                b AS (DELETE FROM signal_bundles WHERE tenant_id = $1 AND id IN (SELECT bundle_id FROM a) RETURNING id),
                t AS (DELETE FROM token_uses WHERE tenant_id = $1 AND token_id IN (SELECT bundle_id FROM a)),
                k AS (DELETE FROM assessment_keys
                       WHERE tenant_id = $1 AND idempotency_key IN (SELECT idempotency_key FROM a)),
                f AS (DELETE FROM feedback WHERE tenant_id = $1 AND assessment_id IN (SELECT id FROM a))
           SELECT (SELECT count(*) FROM a)::int AS assessments, (SELECT count(*) FROM b)::int AS bundles`,
          [tenantId, accountId],
        ),
      );
      const devices = rowsOf(
        await m.query(
          `DELETE FROM devices d WHERE d.tenant_id = $1
              AND d.id IN (SELECT device_id FROM account_devices WHERE tenant_id = $1 AND account_id = $2)
              AND NOT EXISTS (SELECT 1 FROM account_devices o
                               WHERE o.tenant_id = $1 AND o.device_id = d.id AND o.account_id <> $2)
            RETURNING d.id`,
          [tenantId, accountId],
        ),
      );
      // The links only: the tenant's watch list is the tenant's incident data, not this user's.
      const documents = rowsOf(
        await m.query(
          `DELETE FROM identity_documents d USING accounts a
            WHERE d.tenant_id = $1 AND a.tenant_id = $1 AND a.id = $2 AND d.user_hash = a.user_hash RETURNING 1`,
          [tenantId, accountId],
        ),
      );
      const accounts = rowsOf(
        await m.query(`DELETE FROM accounts WHERE tenant_id = $1 AND id = $2 RETURNING id`, [tenantId, accountId]),
      );
      return {
        accounts: accounts.length,
        assessments: gone.assessments,
        signalBundles: gone.bundles,
        devices: devices.length,
        identityDocuments: documents.length,
      };
    });
  }
}
