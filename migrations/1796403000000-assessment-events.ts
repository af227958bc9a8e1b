import type { MigrationInterface, QueryRunner } from 'typeorm';

// Issue 18 (events): an assessment of a profile_update keeps what changed, and the console filters
// assessments by event with its keyset order (tenant, event, time, id), like its other filters.
export class AssessmentEvents1796403000000 implements MigrationInterface {
  name = 'AssessmentEvents1796403000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE assessments ADD COLUMN IF NOT EXISTS changes text[]`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS assessments_event_time ON assessments (tenant_id, event, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS assessments_event_time`);
    await q.query(`ALTER TABLE assessments DROP COLUMN IF EXISTS changes`);
  }
}
