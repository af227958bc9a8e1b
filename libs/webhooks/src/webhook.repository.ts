import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf, withTenant } from '@kizuki/database';

export interface WebhookEndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  secretPrefix: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointSecretRow {
  id: string;
  url: string;
  enabled: boolean;
  secretEnc: string;
}

export interface WebhookDeliveryRow {
  id: string;
  endpointId: string;
  url: string | null;
  event: string;
  eventId: string;
  status: 'pending' | 'retrying' | 'delivered' | 'failed' | 'refused';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

const ENDPOINT_COLUMNS = `id, url, description, events, secret_prefix AS "secretPrefix", enabled,
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const DELIVERY_COLUMNS = `d.id, d.endpoint_id AS "endpointId", e.url, d.event, d.event_id AS "eventId", d.status,
  d.attempts, d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.created_at AS "createdAt",
  d.updated_at AS "updatedAt", d.delivered_at AS "deliveredAt"`;

/** Webhook endpoints and their delivery log. Tenant-scoped, every method. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly db: DataSource) {}

  /** One statement in the tenant's row-level-security scope. */
  private q(tenantId: string, sql: string, params: unknown[]) {
    return withTenant(this.db, tenantId, (m) => m.query(sql, params));
  }

  async listEndpoints(tenantId: string): Promise<WebhookEndpointRow[]> {
    return this.q(
      tenantId,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [tenantId],
    );
  }

  async countEndpoints(tenantId: string): Promise<number> {
    const [row] = await this.q(tenantId, `SELECT count(*)::int AS n FROM webhook_endpoints WHERE tenant_id = $1`, [
      tenantId,
    ]);
    return row.n;
  }

  async createEndpoint(
    tenantId: string,
    e: { url: string; description: string | null; events: string[]; secretEnc: string; secretPrefix: string },
  ): Promise<WebhookEndpointRow> {
    const [row] = await this.q(
      tenantId,
      `INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret_enc, secret_prefix)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${ENDPOINT_COLUMNS}`,
      [tenantId, e.url, e.description, e.events, e.secretEnc, e.secretPrefix],
    );
    return row;
  }

  async findEndpoint(tenantId: string, id: string): Promise<WebhookEndpointRow | null> {
    const [row] = await this.q(
      tenantId,
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async updateEndpoint(
    tenantId: string,
    id: string,
    p: { url?: string; description?: string | null; events?: string[]; enabled?: boolean },
  ): Promise<WebhookEndpointRow | null> {
    const rows = rowsOf<WebhookEndpointRow>(
      await this.q(
        tenantId,
        `UPDATE webhook_endpoints
            SET url = coalesce($3, url), description = CASE WHEN $4::boolean THEN $5 ELSE description END,
                events = coalesce($6, events), enabled = coalesce($7, enabled), updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
        [
          tenantId,
          id,
          p.url ?? null,
          p.description !== undefined,
          p.description ?? null,
          p.events ?? null,
          p.enabled ?? null,
        ],
      ),
    );
    return rows[0] ?? null;
  }

  async deleteEndpoint(tenantId: string, id: string): Promise<WebhookEndpointRow | null> {
    const rows = rowsOf<WebhookEndpointRow>(
      await this.q(
        tenantId,
        `DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
        [tenantId, id],
      ),
    );
    return rows[0] ?? null;
  }

  /** Enabled endpoints subscribed to the event. */
  async subscribed(tenantId: string, event: string): Promise<{ id: string }[]> {
    return this.q(tenantId, `SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND enabled AND $2 = ANY(events)`, [
      tenantId,
      event,
    ]);
  }

  async endpointSecret(tenantId: string, id: string): Promise<WebhookEndpointSecretRow | null> {
    const [row] = await this.q(
      tenantId,
      `SELECT id, url, enabled, secret_enc AS "secretEnc" FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /** The delivery row of (endpoint, event): created once, whatever the number of emissions. */
  async createDelivery(
    tenantId: string,
    d: { id: string; endpointId: string; event: string; eventId: string; payload: unknown },
  ): Promise<void> {
    await this.q(
      tenantId,
      `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event, event_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [d.id, tenantId, d.endpointId, d.event, d.eventId, JSON.stringify(d.payload)],
    );
  }

  async deliveryPayload(tenantId: string, id: string): Promise<{ payload: unknown; status: string } | null> {
    const [row] = await this.q(
      tenantId,
      `SELECT payload, status FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  async recordAttempt(
    tenantId: string,
    id: string,
    a: { status: WebhookDeliveryRow['status']; statusCode: number | null; error: string | null },
  ): Promise<void> {
    await this.q(
      tenantId,
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, status = $3, last_status_code = $4, last_error = $5, updated_at = now(),
              delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, a.status, a.statusCode, a.error?.slice(0, 500) ?? null],
    );
  }

  /**
   * Pending deliveries whose row has not moved since `before`, oldest first, at most `limit`
   * (≤ 1000): events whose job may never have reached Redis. Crosses tenants by design (the
   * worker's sweep visits them all) through the SECURITY DEFINER function
   * kizuki_pending_webhook_deliveries, which returns ids only; each row is then handled in its
   * tenant's scope (markRequeued).
   */
  async stalePendingDeliveries(
    before: Date,
    limit: number,
  ): Promise<{ tenantId: string; id: string; endpointId: string }[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", id, endpoint_id AS "endpointId" FROM kizuki_pending_webhook_deliveries($1, $2)`,
      [before, limit],
    );
  }

  /** Notes that a pending delivery was queued again (its updated_at moves); false if it is no longer pending. */
  async markRequeued(tenantId: string, id: string): Promise<boolean> {
    const rows = rowsOf(
      await this.q(
        tenantId,
        `UPDATE webhook_deliveries SET updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING id`,
        [tenantId, id],
      ),
    );
    return rows.length > 0;
  }

  /** The delivery log, newest first, optionally for one endpoint; keyset pages on (created_at, id). */
  async listDeliveries(
    tenantId: string,
    q: { endpointId?: string; limit: number; before?: { at: string; id: string } | null },
  ): Promise<WebhookDeliveryRow[]> {
    return this.q(
      tenantId,
      `SELECT ${DELIVERY_COLUMNS}
         FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.tenant_id = d.tenant_id
        WHERE d.tenant_id = $1 AND ($2::uuid IS NULL OR d.endpoint_id = $2)
          AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3::timestamptz, $4::uuid))
        ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
      [tenantId, q.endpointId ?? null, q.before?.at ?? null, q.before?.id ?? null, q.limit],
    );
  }
}
