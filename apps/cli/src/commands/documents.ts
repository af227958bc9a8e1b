import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  DOCUMENT_HASH_PATTERN,
  documentHash,
  documentStoredHash,
  isUuid,
  normaliseDocumentNumber,
  tenantDocumentKey,
} from '@kizuki/crypto';
import { rowsOf, withTenant } from '@kizuki/database';
import type { DataSource } from 'typeorm';

const BATCH = 5000;
/** Longer than any national ID, passport or licence number; a longer line is not a document number. */
const MAX_NUMBER_LENGTH = 64;

export interface DocumentsImport {
  /** documents in the file (distinct) */
  documents: number;
  /** of those, not on the tenant's watch list before */
  added: number;
  /** the tenant's watch list after the import */
  total: number;
  /** --replace: documents dropped from the list because the file no longer has them */
  removed: number;
}

/**
 * The tenant's watch list of leaked identity documents, from the customer's incident list: one
 * document number per line (or, with hashed, the identity.documentHash values @kizuki/client
 * computed). Numbers are hashed here exactly like the client does, then keyed again for storage:
 * no number is stored, logged or kept in memory past its line. Importing the same file twice adds
 * nothing; replace makes the list exactly the file's.
 */
export async function importDocuments(
  db: DataSource,
  masterSecret: string,
  tenantId: string,
  file: string,
  opts: { hashed?: boolean; replace?: boolean; source?: string } = {},
): Promise<DocumentsImport> {
  if (!isUuid(tenantId)) throw new Error(`--tenant ${tenantId} is not a tenant id`);
  const key = tenantDocumentKey(masterSecret, tenantId);
  const stored = new Set<string>();
  let lineNo = 0;
  for await (const raw of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    lineNo++;
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (!line || line.startsWith('#')) continue;
    let hash: string;
    if (opts.hashed) {
      if (!DOCUMENT_HASH_PATTERN.test(line.toLowerCase())) throw new Error(`line ${lineNo}: not a 64-hex documentHash`);
      hash = line.toLowerCase();
    } else {
      const number = normaliseDocumentNumber(line);
      if (!number || number.length > MAX_NUMBER_LENGTH) throw new Error(`line ${lineNo}: not a document number`);
      hash = documentHash(key, number);
    }
    stored.add(documentStoredHash(masterSecret, tenantId, hash));
  }
  if (!stored.size) throw new Error(`${file}: no document found`);
  const source = (opts.source ?? file.split('/').pop() ?? file).slice(0, 200);
  const hashes = [...stored];
  return withTenant(db, tenantId, async (m) => {
    const [tenant] = await m.query(`SELECT id FROM tenants WHERE id = $1`, [tenantId]);
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    let added = 0;
    for (let i = 0; i < hashes.length; i += BATCH) {
      const rows = await m.query(
        `INSERT INTO document_watchlist (tenant_id, document_hash, source, imported_at)
         SELECT $1, unnest($2::text[]), $3, now() ON CONFLICT DO NOTHING RETURNING 1`,
        [tenantId, hashes.slice(i, i + BATCH), source],
      );
      added += rowsOf(rows).length;
    }
    let removed = 0;
    if (opts.replace) {
      const gone = await m.query(
        `DELETE FROM document_watchlist WHERE tenant_id = $1 AND NOT (document_hash = ANY($2::text[])) RETURNING 1`,
        [tenantId, hashes],
      );
      removed = rowsOf(gone).length;
    }
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM document_watchlist WHERE tenant_id = $1`, [tenantId]);
    return { documents: hashes.length, added, total: n, removed };
  });
}
