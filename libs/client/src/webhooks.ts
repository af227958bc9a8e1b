import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEnvelope } from '../../contract/src';

export type { WebhookEventType } from '../../contract/src';

export const WEBHOOK_SIGNATURE_HEADER = 'kizuki-signature';

/** A delivery's body; its id is the same on every retry: deduplicate on it. */
export type WebhookEvent<T = Record<string, unknown>> = WebhookEnvelope<T>;

export class WebhookSignatureError extends Error {}

/**
 * Verifies `Kizuki-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` over the
 * raw request body (not a re-serialised object) and refuses timestamps more than
 * `toleranceSeconds` (default 300) from now, which stops replays of old deliveries. Returns the
 * parsed event; throws WebhookSignatureError otherwise.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  signatureHeader: string | string[] | undefined,
  secret: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): WebhookEvent {
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (!header) throw new WebhookSignatureError('missing Kizuki-Signature header');
  let t = NaN;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't') t = Number(v);
    else if (k === 'v1' && v) v1.push(v);
  }
  if (!Number.isInteger(t) || !v1.length) throw new WebhookSignatureError('malformed Kizuki-Signature header');
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300))
    throw new WebhookSignatureError('timestamp outside the tolerance window');
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const ok = v1.some((sig) => {
    const given = Buffer.from(sig, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!ok) throw new WebhookSignatureError('signature does not match');
  return JSON.parse(body) as WebhookEvent;
}
