import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/** The events a tenant's webhook endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['assessment.challenge', 'assessment.deny', 'device.reported', 'list.changed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What the endpoint receives (the POST body). */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  /** The delivery id: the same on every retry of this event to this endpoint (deduplicate on it). */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: T;
}

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

// Endpoint secrets must be usable for signing, so they are stored encrypted (AES-256-GCM) with a
// key derived from KIZUKI_SECRET, never in clear.
function secretKey(masterSecret: string): Buffer {
  return createHmac('sha256', masterSecret).update('kizuki webhook endpoint secrets v1').digest();
}

export function sealWebhookSecret(masterSecret: string, secret: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', secretKey(masterSecret), iv);
  const enc = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return `v1.${iv.toString('base64url')}.${enc.toString('base64url')}.${c.getAuthTag().toString('base64url')}`;
}

export function openWebhookSecret(masterSecret: string, sealed: string): string {
  const [v, iv, enc, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !enc || !tag) throw new Error('unknown webhook secret format');
  const d = createDecipheriv('aes-256-gcm', secretKey(masterSecret), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(enc, 'base64url')), d.final()]).toString('utf8');
}
