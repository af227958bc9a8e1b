import type { MigrationInterface, QueryRunner } from 'typeorm';

// The tenants foreign keys of assessments and account_devices are redundant: their keys to
// accounts (tenant_id, id) and devices (tenant_id, id) already prove the tenant exists and cascade
// from it (deleting a tenant deletes its accounts and devices, and with them these rows). Each row
// written checked them once more (an index probe of tenants per login, and per new link). On the
// partitioned assessments, the parent's constraint is the one dropped: its partitions' copies go with it.
export class ScoreRedundantFks1796408000000 implements MigrationInterface {
  name = 'ScoreRedundantFks1796408000000';

  async up(q: QueryRunner): Promise<void> {
    // by what they are, not by name: a database adopted by the baseline may name them otherwise
    const fks: { tbl: string; name: string }[] = await q.query(
      `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = 'tenants'::regclass
          AND c.conrelid IN ('assessments'::regclass, 'account_devices'::regclass)
          AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                 WHERE attrelid = c.conrelid AND attname = 'tenant_id')]::int2[]`,
    );
    for (const fk of fks) await q.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT "${fk.name}"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE assessments ADD CONSTRAINT assessments_tenant_id_fkey
        FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
      ALTER TABLE account_devices ADD CONSTRAINT account_devices_tenant_id_fkey
        FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
    `);
  }
}
