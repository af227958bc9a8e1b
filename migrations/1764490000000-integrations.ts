import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;
const TABLES = ['webhook_endpoints', 'webhook_deliveries', 'device_links'];

// Integrations: per-tenant webhook endpoints (secret stored encrypted with a key derived from
// KIZUKI_SECRET; shown once at creation), the delivery log (one row per endpoint and event, its
// attempts and last answer), and the single-use "was this you?" device links (the row is the
// use-once record; the link itself is a signed token). Row-level security like every tenant table.
export class Integrations1764490000000 implements MigrationInterface {
  name = 'Integrations1764490000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        secret_enc text NOT NULL,
        secret_prefix text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id) WHERE enabled;
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        event text NOT NULL,
        event_id text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'delivered', 'failed', 'refused')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (endpoint_id, event_id)
      );
      CREATE INDEX webhook_deliveries_tenant_created ON webhook_deliveries (tenant_id, created_at DESC, id DESC);
      CREATE TABLE device_links (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        account_id uuid NOT NULL,
        device_id uuid NOT NULL,
        assessment_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_action text CHECK (used_action IN ('approve', 'report')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, assessment_id)
      );
      CREATE INDEX device_links_expiry ON device_links (expires_at);
    `);
    for (const t of TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS device_links; DROP TABLE IF EXISTS webhook_deliveries; DROP TABLE IF EXISTS webhook_endpoints;`);
  }
}
