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

  /**
   * Bundles of one tenant in one statement (the worker batches concurrent ingest jobs).
   * Idempotent: a redelivered ingest job stores its bundle once.
   */
  async insertMany(tenantId: string, bundles: StoredBundle[]): Promise<void> {
    if (!bundles.length) return;
    // in id order: two batches holding the same bundle (the score job stores one its ingest job is
    // storing too) then wait for each other instead of deadlocking
    bundles = [...bundles].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    await withTenant(this.db, tenantId, (m) => m.query(
      `INSERT INTO signal_bundles (id, tenant_id, received_at, ip, user_agent, origin, payload)
       SELECT b.id, $1, b.received_at, b.ip, b.user_agent, b.origin, b.payload::jsonb
         FROM unnest($2::uuid[], $3::timestamptz[], $4::inet[], $5::text[], $6::text[], $7::text[])
              AS b(id, received_at, ip, user_agent, origin, payload)
       ON CONFLICT (id) DO NOTHING`,
      [
        tenantId,
        bundles.map((b) => b.id),
        bundles.map((b) => b.receivedAt),
        bundles.map((b) => b.ip),
        bundles.map((b) => b.userAgent),
        bundles.map((b) => b.origin),
        bundles.map((b) => JSON.stringify(b.payload)),
      ],
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
