import type { MigrationInterface, QueryRunner } from 'typeorm';

// No lost webhook events: a delivery row is written before its job is queued, so when Redis is
// down at that moment the row stays 'pending' with no job. The worker's sweep (SweepWebhooksJob)
// finds such rows across tenants through this SECURITY DEFINER function — ids only, bounded — and
// re-queues each one in its tenant's scope. The partial index keeps the lookup to the pending rows.
export class WebhookSweep1764490100000 implements MigrationInterface {
  name = 'WebhookSweep1764490100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (updated_at) WHERE status = 'pending';
      CREATE FUNCTION kizuki_pending_webhook_deliveries(p_before timestamptz, p_limit integer)
        RETURNS TABLE (tenant_id uuid, id uuid, endpoint_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
          SELECT d.tenant_id, d.id, d.endpoint_id FROM webhook_deliveries d
           WHERE d.status = 'pending' AND d.updated_at < p_before
           ORDER BY d.updated_at LIMIT least(greatest(p_limit, 0), 1000)
      $$;
      REVOKE ALL ON FUNCTION kizuki_pending_webhook_deliveries(timestamptz, integer) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION kizuki_pending_webhook_deliveries(timestamptz, integer) TO kizuki_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS kizuki_pending_webhook_deliveries(timestamptz, integer);
      DROP INDEX IF EXISTS webhook_deliveries_pending;
    `);
  }
}
