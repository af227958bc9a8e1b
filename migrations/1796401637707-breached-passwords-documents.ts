import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tenant-owned tables this migration adds (row-level security binds each, like the baseline's). */
export const DOCUMENT_TENANT_TABLES = ['identity_documents', 'document_watchlist'];

const CURRENT_TENANT = `NULLIF(current_setting('app.tenant_id', true), '')::uuid`;

// Breached passwords (issue #18): the Pwned Passwords corpus the operator imports, shared by all
// tenants like tor_exit_nodes, one row per 5-hex prefix so a range lookup reads one row by its key.
// `kizuki breached import` builds breached_password_ranges_next and swaps it in, so readers never
// wait on an import; the app role may only read.
//
// Identity documents: the keyed hashes (never numbers) of the documents behind each account, and
// the tenant's watch list of leaked ones. Both are tenant data: row-level security, tenant_id first
// in every key.
export class BreachedPasswordsDocuments1796401637707 implements MigrationInterface {
  name = 'BreachedPasswordsDocuments1796401637707';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE breached_password_ranges (
        prefix integer PRIMARY KEY CHECK (prefix BETWEEN 0 AND 1048575),
        entries integer NOT NULL,
        -- 'SUFFIX:COUNT' lines (35 upper-case hex, decimal count) sorted by suffix, joined by \\n
        body text NOT NULL
      );
      -- one row: what the current corpus is (the padding target is its largest range)
      CREATE TABLE breached_password_corpus (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        hashes bigint NOT NULL,
        ranges integer NOT NULL,
        max_range integer NOT NULL,
        source text NOT NULL,
        imported_at timestamptz NOT NULL
      );
      CREATE TABLE identity_documents (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        -- kizuki documentStoredHash(): a per-tenant HMAC of the client's keyed hash
        document_hash text NOT NULL,
        user_hash text NOT NULL,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, document_hash, user_hash)
      );
      CREATE INDEX identity_documents_user ON identity_documents (tenant_id, user_hash);
      CREATE TABLE document_watchlist (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        document_hash text NOT NULL,
        source text NOT NULL,
        imported_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, document_hash)
      );
      REVOKE INSERT, UPDATE, DELETE ON breached_password_ranges, breached_password_corpus FROM kizuki_app;
    `);
    for (const t of DOCUMENT_TENANT_TABLES) {
      await q.query(`
        ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
        ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
        CREATE POLICY tenant_isolation ON ${t}
          USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE document_watchlist, identity_documents, breached_password_corpus, breached_password_ranges
    `);
  }
}
