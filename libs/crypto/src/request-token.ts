import type { ReasonDetail } from '@kizuki/contract';
import { createHmac, timingSafeEqual } from 'node:crypto';

// The SDK's request token: `rt_<payload>.<signature>`, base64url JSON signed with HMAC-SHA256
// under a key derived from the master secret. It binds the bundle to the tenant and expires; its
// single use is enforced where it is consumed (the score job), not here.

export interface RequestTokenClaims {
  /** tenant id */
  t: string;
  /** bundle id, also the token's unique id */
  b: string;
  /** expiry, epoch seconds */
  e: number;
  /** the ingest batch (job) carrying the bundle; absent in tokens from before batching */
  j?: string;
}

export type TokenCheck = { state: 'valid'; claims: RequestTokenClaims } | { state: 'invalid'; detail: ReasonDetail };

// derived once per secret, not per token (an HMAC per collect and per risk call)
let derived: { secret: string; key: Buffer } | null = null;
function tokenKey(masterSecret: string): Buffer {
  if (derived?.secret !== masterSecret)
    derived = {
      secret: masterSecret,
      key: createHmac('sha256', masterSecret).update('kizuki:request-token:v1').digest(),
    };
  return derived.key;
}

export function signRequestToken(masterSecret: string, claims: RequestTokenClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', tokenKey(masterSecret)).update(payload).digest('base64url');
  return `rt_${payload}.${sig}`;
}

export function verifyRequestToken(
  masterSecret: string,
  token: string,
  tenantId: string,
  nowMs = Date.now(),
): TokenCheck {
  const m = /^rt_([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { state: 'invalid', detail: { key: 'token.malformed' } };
  const expected = createHmac('sha256', tokenKey(masterSecret)).update(m[1]).digest();
  const given = Buffer.from(m[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { state: 'invalid', detail: { key: 'token.signature' } };
  }
  let claims: RequestTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as RequestTokenClaims;
  } catch {
    return { state: 'invalid', detail: { key: 'token.malformed' } };
  }
  if (
    typeof claims.t !== 'string' ||
    typeof claims.b !== 'string' ||
    typeof claims.e !== 'number' ||
    (claims.j !== undefined && typeof claims.j !== 'string')
  ) {
    return { state: 'invalid', detail: { key: 'token.malformed' } };
  }
  if (claims.t !== tenantId) return { state: 'invalid', detail: { key: 'token.otherTenant' } };
  if (claims.e * 1000 < nowMs) return { state: 'invalid', detail: { key: 'token.expired' } };
  return { state: 'valid', claims };
}
