import { createHmac, randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@kizuki/crypto';

// How deliveries are signed and endpoint secrets kept; the body they carry (WebhookEnvelope) is in
// @kizuki/contract.

export const WEBHOOK_SIGNATURE_HEADER = 'Kizuki-Signature';

/**
 * `Kizuki-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The
 * receiver recomputes it over the raw body and refuses timestamps outside its tolerance window
 * (verifyWebhookSignature in @kizuki/client).
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}

/** A new endpoint secret (shown once): whsec_ + 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

// Endpoint secrets must be usable for signing, so they are stored sealed (libs/crypto), never in clear.
export function sealWebhookSecret(masterSecret: string, secret: string): string {
  return sealSecret(masterSecret, 'webhook-endpoint', secret);
}

export function openWebhookSecret(masterSecret: string, sealed: string): string {
  return openSecret(masterSecret, 'webhook-endpoint', sealed);
}
