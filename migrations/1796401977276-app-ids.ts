import type { MigrationInterface, QueryRunner } from 'typeorm';

// The mobile apps a tenant's publishable keys may collect from (bundle ids / package names), beside
// its web origins: apps send no Origin (docs/security.md, "App ids"). The key lookup function
// returns them (libs/database/sql/kizuki_api_key_lookup.sql).
export class AppIds1796401977276 implements MigrationInterface {
  name = 'AppIds1796401977276';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN IF NOT EXISTS app_ids text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN IF EXISTS app_ids`);
  }
}
