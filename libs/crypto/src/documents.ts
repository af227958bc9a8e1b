import { createHmac } from 'node:crypto';

// Identity documents (issue #18). The customer's backend never sends a document number: it sends
// HMAC(tenant document key, normalised number), computed by @kizuki/client. The document key is
// derived from the master secret per tenant (never stored) and handed to the tenant's secret key
// (GET /v1/identity/document-key), so the operator's `kizuki documents import` hashes a watch list
// exactly like the client does. Kizuki then stores a second HMAC of that hash, keyed like user
// pseudonyms: a database dump plus the tenant's document key still cannot test document numbers.

export const DOCUMENT_HASH_PATTERN = /^[0-9a-f]{64}$/;

export function tenantDocumentKey(masterSecret: string, tenantId: string): Buffer {
  return createHmac('sha256', masterSecret).update(`kizuki:document-key:v1:${tenantId}`).digest();
}

/** A document number as printed or typed: NFKC (full-width digits), upper case, no spaces or hyphens. */
export function normaliseDocumentNumber(number: string): string {
  return number
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—―ー]/g, '');
}

/** What @kizuki/client sends as identity.documentHash (64 lower-case hex). */
export function documentHash(documentKey: Buffer, number: string): string {
  return createHmac('sha256', documentKey).update(normaliseDocumentNumber(number)).digest('hex');
}

/** What Kizuki stores for a received documentHash (per-tenant key derived from the master secret). */
export function documentStoredHash(masterSecret: string, tenantId: string, hash: string): string {
  const key = createHmac('sha256', masterSecret).update(`kizuki:document-stored:v1:${tenantId}`).digest();
  return createHmac('sha256', key).update(hash.toLowerCase()).digest('hex');
}
