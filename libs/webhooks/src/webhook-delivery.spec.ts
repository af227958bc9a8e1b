import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import type { KizukiConfig } from '@kizuki/config';
import { verifyWebhookSignature } from '../../client/src/webhooks';
import { sealWebhookSecret } from './signing';
import { WebhookDelivery, type WebhookAttemptOutcome } from './webhook-delivery';
import type { WebhookDeliveryRow, WebhookRepository } from './webhook.repository';

const MASTER = 'm'.repeat(32);
const SECRET = 'whsec_unit';
const NOW = Date.UTC(2026, 11, 31, 23, 59, 30);
const job = { tenantId: 't1', deliveryId: 'd1', endpointId: 'e1' };
const payload = { id: 'd1', type: 'list.changed', createdAt: new Date(NOW).toISOString(), data: { entry: 'x' } };

type Attempt = { status: WebhookDeliveryRow['status']; statusCode: number | null; error: string | null };

/** The repository faked: one endpoint and one delivery row, and the attempts recorded on it. */
function fakeRepo(url: string, enabled = true) {
  const attempts: Attempt[] = [];
  const repo = {
    endpointSecret: async () => ({ id: 'e1', url, enabled, secretEnc: sealWebhookSecret(MASTER, SECRET) }),
    deliveryPayload: async () => ({ payload, status: 'pending' }),
    recordAttempt: async (_t: string, _id: string, a: Attempt) => void attempts.push(a),
  };
  return { repo: repo as unknown as WebhookRepository, attempts };
}

describe('WebhookDelivery: one attempt of one event to one endpoint', () => {
  let server: Server;
  let url: string;
  let answer = 200;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const config = (allowPrivate: boolean) =>
    ({ KIZUKI_SECRET: MASTER, WEBHOOKS_ALLOW_PRIVATE_TARGETS: allowPrivate }) as KizukiConfig;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer, answer === 302 ? { location: 'http://127.0.0.1:1/' } : {}).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    received.length = 0;
    answer = 200;
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => jest.restoreAllMocks());

  it('posts the stored body, signed so that @kizuki/client verifies it, and records it delivered', async () => {
    const { repo, attempts } = fakeRepo(url);
    const seen: WebhookAttemptOutcome[] = [];
    const result = await new WebhookDelivery(config(true), repo).deliver(job, { number: 1, final: false }, (o) =>
      seen.push(o),
    );
    expect(result).toEqual({ status: 'delivered', statusCode: 200 });
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received;
    expect(body).toBe(JSON.stringify(payload));
    expect([headers['kizuki-event'], headers['kizuki-delivery']]).toEqual(['list.changed', 'd1']);
    expect(verifyWebhookSignature(body, headers['kizuki-signature'], SECRET, { now: NOW })).toEqual(payload);
    expect([seen, attempts]).toEqual([['delivered'], [{ status: 'delivered', statusCode: 200, error: null }]]);
  });

  it('throws on a non-2xx answer (retried), and records the last attempt as failed', async () => {
    answer = 500;
    const { repo, attempts } = fakeRepo(url);
    const delivery = new WebhookDelivery(config(true), repo);
    await expect(delivery.deliver(job, { number: 1, final: false })).rejects.toThrow('answered 500');
    answer = 302;
    await expect(delivery.deliver(job, { number: 12, final: true })).rejects.toThrow('redirects are not followed');
    expect(attempts.map((a) => [a.status, a.statusCode])).toEqual([
      ['retrying', 500],
      ['failed', 302],
    ]);
  });

  it('refuses a private target without posting, and does not retry it', async () => {
    const { repo, attempts } = fakeRepo(url);
    const seen: WebhookAttemptOutcome[] = [];
    const attempt = new WebhookDelivery(config(false), repo).deliver(job, { number: 1, final: false }, (o) =>
      seen.push(o),
    );
    await expect(attempt).rejects.toBeInstanceOf(UnrecoverableError);
    expect([received.length, seen, attempts[0]?.status]).toEqual([0, ['refused'], 'refused']);
  });

  it('skips a disabled endpoint without posting', async () => {
    const { repo, attempts } = fakeRepo(url, false);
    expect(await new WebhookDelivery(config(true), repo).deliver(job, { number: 1, final: false })).toEqual({
      status: 'skipped',
    });
    expect([received.length, attempts]).toEqual([
      0,
      [{ status: 'failed', statusCode: null, error: 'endpoint disabled' }],
    ]);
  });
});
