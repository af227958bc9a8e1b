import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// API keys: `pk_live_<id>_<secret>` (publishable) and `sk_live_<id>_<secret>` (secret).
// The prefix up to <id> is stored in clear to find the row (and lets secret scanners recognise a
// leaked key); only a SHA-256 of the whole key is stored. 192 random bits make a slow hash
// pointless: nobody brute-forces the key space, so a fast hash keeps every API call cheap.

export type ApiKeyKind = 'publishable' | 'secret';
const KIND_TAG: Record<ApiKeyKind, string> = { publishable: 'pk', secret: 'sk' };
const KEY_PATTERN = /^(pk|sk)_live_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(kind: ApiKeyKind): GeneratedKey {
  const id = base62(12);
  const secret = randomBytes(24).toString('base64url');
  const prefix = `${KIND_TAG[kind]}_live_${id}`;
  const key = `${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The stored prefix of a well-formed key of the given kind, or null. */
export function parseApiKey(key: string, kind: ApiKeyKind): { prefix: string } | null {
  const m = KEY_PATTERN.exec(key);
  if (!m || m[1] !== KIND_TAG[kind]) return null;
  return { prefix: `${m[1]}_live_${m[2]}` };
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}
