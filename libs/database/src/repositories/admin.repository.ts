import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export type AdminRole = 'admin' | 'analyst' | 'viewer';

@Injectable()
export class AdminRepository {
  constructor(private readonly db: DataSource) {}

  async create(
    tenantId: string,
    input: { email: string; role: AdminRole; passwordHash: string },
  ): Promise<{ id: string }> {
    const [row] = await withTenant(this.db, tenantId, (m) =>
      m.query(
        `INSERT INTO admins (tenant_id, email, role, password_hash) VALUES ($1, lower($2), $3, $4)
       ON CONFLICT (tenant_id, email) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash
       RETURNING id`,
        [tenantId, input.email, input.role, input.passwordHash],
      ),
    );
    return row;
  }
}
