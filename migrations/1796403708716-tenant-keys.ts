import type { MigrationInterface, QueryRunner } from 'typeorm';

// Every key of a tenant's table holds tenant_id: primary keys, unique keys and foreign keys. A
// sharded PostgreSQL (Citus, distributed by tenant_id) accepts only such keys on a distributed
// table, and on one server they cost nothing: the same lookups, by (tenant_id, id) under row-level
// security. The tables without a tenant key are the declared reference tables
// (libs/database/src/distribution.ts); test/e2e/schema-distribution.e2e-spec.ts checks both.
// A device deleted from under an assessment nulls only device_id (PostgreSQL 15's column list).
export class TenantKeys1796403708716 implements MigrationInterface {
  name = 'TenantKeys1796403708716';

  async up(q: QueryRunner): Promise<void> {
    // a database adopted by the baseline after it was built with these keys already has them
    const [done] = await q.query(
      `SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = 'accounts'::regclass AND i.indisprimary AND a.attname = 'tenant_id'`,
    );
    if (done) return;
    await q.query(`
      ALTER TABLE account_devices DROP CONSTRAINT account_devices_account_id_fkey,
        DROP CONSTRAINT account_devices_device_id_fkey, DROP CONSTRAINT account_devices_pkey;
      ALTER TABLE assessments DROP CONSTRAINT assessments_account_id_fkey,
        DROP CONSTRAINT assessments_device_id_fkey, DROP CONSTRAINT assessments_pkey;
      ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey,
        DROP CONSTRAINT webhook_deliveries_pkey, DROP CONSTRAINT webhook_deliveries_endpoint_id_event_id_key;

      ALTER TABLE accounts DROP CONSTRAINT accounts_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE devices DROP CONSTRAINT devices_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE feedback DROP CONSTRAINT feedback_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE list_entries DROP CONSTRAINT list_entries_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE device_links DROP CONSTRAINT device_links_pkey, ADD PRIMARY KEY (tenant_id, id);
      ALTER TABLE signal_bundles DROP CONSTRAINT signal_bundles_pkey, ADD PRIMARY KEY (tenant_id, id, received_at);
      -- the relay claims and deletes by job id across tenants: an index of its own
      ALTER TABLE score_outbox DROP CONSTRAINT score_outbox_pkey, ADD PRIMARY KEY (tenant_id, job_id);
      CREATE INDEX score_outbox_job ON score_outbox (job_id);

      ALTER TABLE account_devices ADD PRIMARY KEY (tenant_id, account_id, device_id),
        ADD FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
        ADD FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE CASCADE;
      ALTER TABLE assessments ADD PRIMARY KEY (tenant_id, id, created_at),
        ADD FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
        ADD FOREIGN KEY (tenant_id, device_id) REFERENCES devices (tenant_id, id) ON DELETE SET NULL (device_id);
      ALTER TABLE webhook_deliveries ADD PRIMARY KEY (tenant_id, id),
        ADD UNIQUE (tenant_id, endpoint_id, event_id),
        ADD FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE;
    `);
  }

  // Back to the baseline's keys (the SQL functions' ON CONFLICT targets need this migration's: migrate up again)
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE account_devices DROP CONSTRAINT account_devices_tenant_id_account_id_fkey,
        DROP CONSTRAINT account_devices_tenant_id_device_id_fkey, DROP CONSTRAINT account_devices_pkey;
      ALTER TABLE assessments DROP CONSTRAINT assessments_tenant_id_account_id_fkey,
        DROP CONSTRAINT assessments_tenant_id_device_id_fkey, DROP CONSTRAINT assessments_pkey;
      ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_tenant_id_endpoint_id_fkey,
        DROP CONSTRAINT webhook_deliveries_pkey, DROP CONSTRAINT webhook_deliveries_tenant_id_endpoint_id_event_id_key;

      DROP INDEX score_outbox_job;
      ALTER TABLE score_outbox DROP CONSTRAINT score_outbox_pkey, ADD PRIMARY KEY (job_id);
      ALTER TABLE signal_bundles DROP CONSTRAINT signal_bundles_pkey, ADD PRIMARY KEY (id, received_at);
      ALTER TABLE device_links DROP CONSTRAINT device_links_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE list_entries DROP CONSTRAINT list_entries_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE feedback DROP CONSTRAINT feedback_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE devices DROP CONSTRAINT devices_pkey, ADD PRIMARY KEY (id);
      ALTER TABLE accounts DROP CONSTRAINT accounts_pkey, ADD PRIMARY KEY (id);

      ALTER TABLE account_devices ADD PRIMARY KEY (account_id, device_id),
        ADD CONSTRAINT account_devices_account_id_fkey FOREIGN KEY (account_id)
          REFERENCES accounts (id) ON DELETE CASCADE,
        ADD CONSTRAINT account_devices_device_id_fkey FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE;
      ALTER TABLE assessments ADD PRIMARY KEY (id, created_at),
        ADD CONSTRAINT assessments_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
        ADD CONSTRAINT assessments_device_id_fkey FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE SET NULL;
      ALTER TABLE webhook_deliveries ADD PRIMARY KEY (id),
        ADD CONSTRAINT webhook_deliveries_endpoint_id_event_id_key UNIQUE (endpoint_id, event_id),
        ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id)
          REFERENCES webhook_endpoints (id) ON DELETE CASCADE;
    `);
  }
}
