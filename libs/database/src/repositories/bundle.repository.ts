import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export interface StoredBundle {
  id: string;
  receivedAt: Date;
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
  payload: unknown;
}

@Injectable()
export class BundleRepository {
  constructor(private readonly db: DataSource) {}

  /** Idempotent: a redelivered ingest job stores the bundle once. */
  async insert(tenantId: string, b: StoredBundle): Promise<void> {
    await withTenant(this.db, tenantId, (m) => m.query(
      `INSERT INTO signal_bundles (id, tenant_id, received_at, ip, user_agent, origin, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [b.id, tenantId, b.receivedAt, b.ip, b.userAgent, b.origin, JSON.stringify(b.payload)],
    ));
  }

  async find(tenantId: string, id: string): Promise<StoredBundle | null> {
    const [row] = await withTenant(this.db, tenantId, (m) => m.query(
      `SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
         FROM signal_bundles WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    ), { readOnly: true });
    return row ?? null;
  }
}
