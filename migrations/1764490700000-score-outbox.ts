import type { MigrationInterface, QueryRunner } from 'typeorm';

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

// A durable outbox for score jobs the api cannot hand to Redis (docs/operations.md). During a Redis
// outage a risk call is answered with the tenant's fallback at once, and the login's score job
// waits here, in PostgreSQL, instead of in the api's memory: an api process that dies before Redis
// is back no longer loses them. Every api process relays the outbox to BullMQ once Redis answers
// (the job ids are deterministic, so a job relayed twice is still scored once).
//
// The relay crosses tenants by design, like the retention job: two SECURITY DEFINER functions,
// one to claim a batch (leased, so a relay that dies mid-way leaves it to another after the lease)
// and one to delete what Redis took. Rows are written by the api under its tenant (row-level
// security, like every tenant table).
export class ScoreOutbox1764490700000 implements MigrationInterface {
  name = 'ScoreOutbox1764490700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE score_outbox (
        job_id text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        data jsonb NOT NULL,
        priority integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz
      );
      CREATE INDEX score_outbox_created ON score_outbox (created_at);
      ALTER TABLE score_outbox ENABLE ROW LEVEL SECURITY;
      ALTER TABLE score_outbox FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON score_outbox USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});

      -- Up to p_limit jobs nobody holds, oldest first, leased for p_lease_seconds.
      CREATE FUNCTION kizuki_outbox_claim(p_limit integer, p_lease_seconds integer)
        RETURNS TABLE (job_id text, name text, data jsonb, priority integer)
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
          UPDATE score_outbox o SET claimed_until = now() + make_interval(secs => least(greatest(p_lease_seconds, 1), 600))
           WHERE o.job_id IN (SELECT i.job_id FROM score_outbox i WHERE i.claimed_until IS NULL OR i.claimed_until < now()
                               ORDER BY i.created_at LIMIT least(greatest(p_limit, 1), 1000) FOR UPDATE SKIP LOCKED)
          RETURNING o.job_id, o.name, o.data, o.priority
      $fn$;

      -- Deletes the jobs Redis took.
      CREATE FUNCTION kizuki_outbox_done(p_job_ids text[]) RETURNS integer
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
          WITH d AS (DELETE FROM score_outbox WHERE job_id = ANY(p_job_ids) RETURNING 1)
          SELECT count(*)::integer FROM d
      $fn$;

      -- How many jobs wait (for /metrics and readiness): no payloads, no tenants.
      CREATE FUNCTION kizuki_outbox_depth() RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
          SELECT count(*) FROM score_outbox
      $fn$;

      REVOKE ALL ON FUNCTION kizuki_outbox_claim(integer, integer), kizuki_outbox_done(text[]), kizuki_outbox_depth() FROM PUBLIC;
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kizuki_app') THEN
          GRANT SELECT, INSERT, UPDATE, DELETE ON score_outbox TO kizuki_app;
          GRANT EXECUTE ON FUNCTION kizuki_outbox_claim(integer, integer), kizuki_outbox_done(text[]), kizuki_outbox_depth() TO kizuki_app;
        END IF;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION IF EXISTS kizuki_outbox_claim(integer, integer), kizuki_outbox_done(text[]), kizuki_outbox_depth();
      DROP TABLE IF EXISTS score_outbox;
    `);
  }
}
