import type { MigrationInterface, QueryRunner } from 'typeorm';

// The account's usual networks: the IPv4 /24 or IPv6 /48 of its trusted logins (libs/scoring
// `networkPrefix`), at most 20, most recently used last, learned like countries and languages.
// Accounts that existed before start empty: no history is "unknown", never "new"
// (docs/scoring.md, NEW_NETWORK). The table's row-level security covers the new column.
export class AccountNetworks1764490200000 implements MigrationInterface {
  name = 'AccountNetworks1764490200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts ADD COLUMN networks text[] NOT NULL DEFAULT '{}';`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE accounts DROP COLUMN IF EXISTS networks;`);
  }
}
