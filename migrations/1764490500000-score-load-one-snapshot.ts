import type { MigrationInterface, QueryRunner } from 'typeorm';

// kizuki_score_load reads several rows in several statements: the stored bundle (for the device it
// names), the device, the account, and the bundle again to return it. As a VOLATILE function (the
// default) each statement took its own snapshot, so a bundle its ingest job committed between the
// statements came back while its device had not been looked up: the login was scored as if on a
// device new to the account, and a device reported as fraud was allowed
// (test/e2e/integrations.e2e-spec.ts caught it about once in ten runs; test/e2e/score-path.e2e-spec.ts
// now races it 400 times). A STABLE function reads everything with the snapshot of the statement
// that calls it: one consistent view per login. It only reads (set_config changes a setting, not
// data), so STABLE is also true.
const SIGNATURE = 'kizuki_score_load(uuid, text, text, text, uuid, text, text, uuid, text, text)';

export class ScoreLoadOneSnapshot1764490500000 implements MigrationInterface {
  name = 'ScoreLoadOneSnapshot1764490500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} STABLE;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION ${SIGNATURE} VOLATILE;`);
  }
}
