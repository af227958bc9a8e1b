import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  kind: 'publishable' | 'secret';
  hash: string;
  /** the tenant's allowed origins, for publishable keys */
  origins: string[];
  /** the tenant's stored policy (JSON), so a cached key carries its fallback decision */
  policy: Record<string, unknown>;
}

@Injectable()
export class ApiKeyRepository {
  // Also usable inside a transaction: pass its EntityManager.
  constructor(@Inject(DataSource) private readonly db: DataSource | EntityManager) {}

  /** The entry point of every API call: the key's prefix names its tenant. Revoked or expired keys are not found. */
  async findActiveByPrefix(prefix: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.query(
      `SELECT k.id, k.tenant_id AS "tenantId", k.kind, k.hash, t.origins, t.policy
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
        WHERE k.prefix = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
      [prefix],
    );
    return row ?? null;
  }

  async create(tenantId: string, key: { kind: 'publishable' | 'secret'; prefix: string; hash: string }): Promise<{ id: string }> {
    const [row] = await this.db.query(`INSERT INTO api_keys (tenant_id, kind, prefix, hash) VALUES ($1, $2, $3, $4) RETURNING id`, [
      tenantId,
      key.kind,
      key.prefix,
      key.hash,
    ]);
    return row;
  }
}
