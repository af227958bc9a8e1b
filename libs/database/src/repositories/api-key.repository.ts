import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { withTenant } from '../tenant-scope';

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  kind: 'publishable' | 'secret';
  hash: string;
  /** the tenant's allowed origins, for publishable keys */
  origins: string[];
  /** the tenant's registered mobile app ids (bundle id / package name), for publishable keys */
  appIds: string[];
  /** the tenant's stored policy (JSON), so a cached key carries its fallback decision */
  policy: Record<string, unknown>;
  /** end of a rotation overlap; the key stops working then, even from the api's cache */
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  // Also usable inside a transaction: pass its EntityManager.
  constructor(@Inject(DataSource) private readonly db: DataSource | EntityManager) {}

  /**
   * The entry point of every API call: the key's prefix names its tenant. Revoked or expired keys
   * are not found. Crosses tenants by design, through the SECURITY DEFINER function
   * kizuki_api_key_lookup (row-level security would hide the key otherwise): it returns only the
   * one active key with this prefix.
   */
  async findActiveByPrefix(prefix: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query(
      `SELECT id, tenant_id AS "tenantId", kind, hash, origins, app_ids AS "appIds", policy, expires_at AS "expiresAt"
         FROM kizuki_api_key_lookup($1)`,
      [prefix],
    );
    return row ?? null;
  }

  async create(
    tenantId: string,
    key: { kind: 'publishable' | 'secret'; prefix: string; hash: string },
  ): Promise<{ id: string }> {
    const [row] = await withTenant(this.db, tenantId, (m) =>
      m.query(`INSERT INTO api_keys (tenant_id, kind, prefix, hash) VALUES ($1, $2, $3, $4) RETURNING id`, [
        tenantId,
        key.kind,
        key.prefix,
        key.hash,
      ]),
    );
    return row;
  }
}
