import { createHmac, randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from '@kizuki/crypto';
import type { JobsOptions } from 'bullmq';

// How deliveries are queued, signed and their secrets kept; the body they carry (WebhookEnvelope)
// is in @kizuki/contract.

/**
 * Bounded retries with exponential backoff: 1 s, 2 s, 4 s … (12 attempts ≈ 68 minutes in all).
 * The job id is the delivery id, so an event is queued once per endpoint however often it is emitted.
 */
export const WEBHOOK_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
};

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
