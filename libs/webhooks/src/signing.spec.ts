import {
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER as CLIENT_HEADER,
  WebhookSignatureError,
} from '../../client/src/webhooks';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './signing';

// @kizuki/client is a standalone package with its own verifier: this holds the two to one algorithm.
describe('signWebhook (sender) and verifyWebhookSignature (@kizuki/client) agree', () => {
  const secret = 'whsec_test-secret';
  const body = JSON.stringify({
    id: '6f1c0c43-7a43-4c1e-9a55-0f6b1d1b2c3d',
    type: 'list.changed',
    createdAt: '2026-01-31T23:59:59.000Z',
    data: { é: 'ü' },
  });
  const t = Date.UTC(2026, 0, 31, 23, 59, 59) / 1000;

  it('the client accepts what the sender signs, over the raw body', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(body, header, secret, { now: t * 1000 })).toEqual(JSON.parse(body));
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, { now: (t + 300) * 1000 }).id).toBe(
      JSON.parse(body).id,
    );
  });

  it('the client refuses another secret, another body and a timestamp outside its window', () => {
    const header = signWebhook(secret, body, t);
    expect(() => verifyWebhookSignature(body, header, 'whsec_other', { now: t * 1000 })).toThrow(WebhookSignatureError);
    expect(() =>
      verifyWebhookSignature(body.replace('list.changed', 'assessment.deny'), header, secret, { now: t * 1000 }),
    ).toThrow(WebhookSignatureError);
    expect(() => verifyWebhookSignature(body, header, secret, { now: (t + 301) * 1000 })).toThrow(
      WebhookSignatureError,
    );
  });

  it('both name the same header (HTTP header names are case-insensitive)', () => {
    expect(WEBHOOK_SIGNATURE_HEADER.toLowerCase()).toBe(CLIENT_HEADER);
  });
});
