import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertTenantId, withTenant } from '../tenant-scope';

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

  /**
   * Bundles of one tenant in one statement (the worker batches concurrent ingest jobs).
   * Idempotent: a redelivered ingest job stores its bundle once.
   */
  async insertMany(tenantId: string, bundles: StoredBundle[]): Promise<void> {
    if (!bundles.length) return;
    // in id order: two batches holding the same bundle (the score job stores one its ingest job is
    // storing too) then wait for each other instead of deadlocking
    bundles = [...bundles].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    // One JSON document and one round trip (kizuki_store_bundles sets the tenant itself): an array
    // parameter of JSON strings made the driver escape every quote of every bundle (≈ 3 % of the
    // worker's CPU), and withTenant() cost three round trips per batch.
    assertTenantId(tenantId);
    const rows = bundles.map((b) => ({
      id: b.id,
      received_at: b.receivedAt,
      ip: b.ip,
      user_agent: b.userAgent,
      origin: b.origin,
      payload: b.payload,
    }));
    await this.db.query(`SELECT kizuki_store_bundles($1, $2::jsonb)`, [tenantId, JSON.stringify(rows)]);
  }

  async find(tenantId: string, id: string): Promise<StoredBundle | null> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      (m) =>
        m.query(
          `SELECT id, received_at AS "receivedAt", host(ip) AS ip, user_agent AS "userAgent", origin, payload
         FROM signal_bundles WHERE tenant_id = $1 AND id = $2`,
          [tenantId, id],
        ),
      { readOnly: true },
    );
    return row ?? null;
  }
}
