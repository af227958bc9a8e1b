import { createHmac } from 'node:crypto';

// User ids are pseudonymised with a per-tenant keyed HMAC. The tenant key is derived from the
// master secret, never stored: a database dump alone cannot be matched against a list of e-mails,
// and two tenants' hashes of the same user never match each other.

export function tenantUserKey(masterSecret: string, tenantId: string): Buffer {
  return createHmac('sha256', masterSecret).update(`kizuki:user-pseudonym:v1:${tenantId}`).digest();
}

// Derived once per tenant, not per risk call (an HMAC each: ~1 % of the api's CPU in bench/load.ts --cost).
const MAX_KEYS = 10_000;
let keys: { secret: string; byTenant: Map<string, Buffer> } | null = null;
function cachedTenantUserKey(masterSecret: string, tenantId: string): Buffer {
  if (keys?.secret !== masterSecret || keys.byTenant.size >= MAX_KEYS)
    keys = { secret: masterSecret, byTenant: new Map() };
  let key = keys.byTenant.get(tenantId);
  if (!key) keys.byTenant.set(tenantId, (key = tenantUserKey(masterSecret, tenantId)));
  return key;
}

export function pseudonymiseUser(masterSecret: string, tenantId: string, userId: string): string {
  return createHmac('sha256', cachedTenantUserKey(masterSecret, tenantId))
    .update(userId.normalize('NFC'))
    .digest('hex');
}
