import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

// Secrets Kizuki must use again (webhook signing secrets, TOTP seeds) cannot be hashed: they are
// stored sealed with AES-256-GCM under a key derived from KIZUKI_SECRET and a purpose, so a
// database dump alone reveals none of them and a value sealed for one purpose opens for no other.
// Format: v1.<iv>.<ciphertext>.<tag>, base64url parts. A context (the tenant id for display labels)
// is mixed into the key: a value sealed for one tenant opens for no other.

export type SealPurpose = 'webhook-endpoint' | 'admin-totp' | 'display-label';

// The webhook purpose keeps the derivation label it was first sealed under.
const LABELS: Record<SealPurpose, string> = {
  'webhook-endpoint': 'kizuki webhook endpoint secrets v1',
  'admin-totp': 'kizuki admin totp secrets v1',
  'display-label': 'kizuki display labels v1',
};

function sealKey(masterSecret: string, purpose: SealPurpose, context?: string): Buffer {
  const label = context === undefined ? LABELS[purpose] : `${LABELS[purpose]}|${context}`;
  return createHmac('sha256', masterSecret).update(label).digest();
}

export function sealSecret(masterSecret: string, purpose: SealPurpose, secret: string, context?: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey(masterSecret, purpose, context), iv);
  const enc = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return `v1.${iv.toString('base64url')}.${enc.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
}

/** Throws when the value is not sealed, was sealed under another key or purpose, or was altered. */
export function openSecret(masterSecret: string, purpose: SealPurpose, sealed: string, context?: string): string {
  const [v, iv, enc, tag, extra] = sealed.split('.');
  if (v !== 'v1' || !iv || !enc || !tag || extra !== undefined) throw new Error('not a sealed secret');
  const d = createDecipheriv('aes-256-gcm', sealKey(masterSecret, purpose, context), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(enc, 'base64url')), d.final()]).toString('utf8');
}

/** Whether a stored value has the sealed form (it may still fail to open). */
export function isSealedSecret(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}
