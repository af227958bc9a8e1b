import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TenantRow {
  id: string;
  name: string;
  origins: string[];
  policy: Record<string, unknown>;
  retention: Record<string, unknown>;
}

// The tenants table is the root of scoping: lookups here are by the tenant's own id.
@Injectable()
export class TenantRepository {
  // Also usable inside a transaction: pass its EntityManager.
  constructor(@Inject(DataSource) private readonly db: DataSource | EntityManager) {}

  async create(input: { name: string; origins: string[]; policy?: Record<string, unknown> }): Promise<TenantRow> {
    const [row] = await this.db.query(
      `INSERT INTO tenants (name, origins, policy) VALUES ($1, $2, $3) RETURNING id, name, origins, policy, retention`,
      [input.name, input.origins, JSON.stringify(input.policy ?? {})],
    );
    return row;
  }

  async findById(tenantId: string): Promise<TenantRow | null> {
    const [row] = await this.db.query(`SELECT id, name, origins, policy, retention FROM tenants WHERE id = $1`, [tenantId]);
    return row ?? null;
  }

  async findByName(name: string): Promise<TenantRow | null> {
    const [row] = await this.db.query(`SELECT id, name, origins, policy, retention FROM tenants WHERE name = $1 ORDER BY created_at LIMIT 1`, [name]);
    return row ?? null;
  }
}
