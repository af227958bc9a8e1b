import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { withTenant } from '../tenant-scope';

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
    // The id is chosen here so the insert itself runs as that tenant (row-level security).
    const id = randomUUID();
    const [row] = await withTenant(this.db, id, (m) =>
      m.query(
        `INSERT INTO tenants (id, name, origins, policy) VALUES ($1, $2, $3, $4)
         RETURNING id, name, origins, policy, retention`,
        [id, input.name, input.origins, JSON.stringify(input.policy ?? {})],
      ),
    );
    return row;
  }

  async findById(tenantId: string): Promise<TenantRow | null> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      (m) => m.query(`SELECT id, name, origins, policy, retention FROM tenants WHERE id = $1`, [tenantId]),
      {
        readOnly: true,
      },
    );
    return row ?? null;
  }
}
