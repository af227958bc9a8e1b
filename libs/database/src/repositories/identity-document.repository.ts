import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export interface DocumentSighting {
  /** distinct accounts this document has been sent for, this one included */
  accounts: number;
  /** the document is on the tenant's watch list of leaked documents */
  leaked: boolean;
}

/**
 * Identity documents behind accounts, by stored hash (a keyed hash of the client's keyed hash: no
 * number is ever here), and the tenant's watch list of leaked ones.
 */
@Injectable()
export class IdentityDocumentRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Links the document to the account (first and last seen) and says how many accounts it is
   * behind and whether it is on the watch list, in one round trip. The link is recorded whatever
   * the decision: a document tried for ten denied registrations is still behind ten accounts.
   */
  async sight(tenantId: string, documentHash: string, userHash: string, at: Date): Promise<DocumentSighting> {
    return withTenant(this.db, tenantId, async (m) => {
      const [row] = await m.query(
        `WITH link AS (
           INSERT INTO identity_documents AS d (tenant_id, document_hash, user_hash, first_seen_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $4)
           ON CONFLICT (tenant_id, document_hash, user_hash)
             DO UPDATE SET last_seen_at = greatest(d.last_seen_at, EXCLUDED.last_seen_at))
         -- the statement's snapshot does not see the link it writes: other accounts, plus this one
         SELECT (SELECT count(*)::int FROM identity_documents
                  WHERE tenant_id = $1 AND document_hash = $2 AND user_hash <> $3) + 1 AS accounts,
                EXISTS (SELECT 1 FROM document_watchlist WHERE tenant_id = $1 AND document_hash = $2) AS leaked`,
        [tenantId, documentHash, userHash, at],
      );
      return { accounts: row.accounts, leaked: row.leaked };
    });
  }
}
