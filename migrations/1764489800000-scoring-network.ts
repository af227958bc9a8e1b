import type { MigrationInterface, QueryRunner } from 'typeorm';

// Scoring: the Tor exit list (reference data shared by all tenants, replaced whole by
// `npm run kizuki -- tor load FILE`) and the login's browser language on the assessment, so a
// later 'legit' / 'challenge_passed' label can teach the account that language.
export class ScoringNetwork1764489800000 implements MigrationInterface {
  name = 'ScoringNetwork1764489800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tor_exit_nodes (
        ip inet PRIMARY KEY,
        loaded_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE assessments ADD COLUMN language text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS tor_exit_nodes; ALTER TABLE assessments DROP COLUMN IF EXISTS language;`);
  }
}
