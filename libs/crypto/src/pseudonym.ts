import { createHmac } from 'node:crypto';

// User ids are pseudonymised with a per-tenant keyed HMAC. The tenant key is derived from the
// master secret, never stored: a database dump alone cannot be matched against a list of e-mails,
// and two tenants' hashes of the same user never match each other.

export function tenantUserKey(masterSecret: string, tenantId: string): Buffer {
  return createHmac('sha256', masterSecret).update(`kizuki:user-pseudonym:v1:${tenantId}`).digest();
}

export function pseudonymiseUser(masterSecret: string, tenantId: string, userId: string): string {
  return createHmac('sha256', tenantUserKey(masterSecret, tenantId)).update(userId.normalize('NFC')).digest('hex');
}
