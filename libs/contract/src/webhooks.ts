// What a tenant's webhook endpoint receives. Signing lives with the sender (libs/webhooks) and the
// verifier (libs/client); both sign `<t>.<raw body>` as docs/api.md describes.

/** The events a tenant's webhook endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['assessment.challenge', 'assessment.deny', 'device.reported', 'list.changed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The POST body of a delivery. */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  /** The delivery id: the same on every retry of this event to this endpoint (deduplicate on it). */
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: T;
}
