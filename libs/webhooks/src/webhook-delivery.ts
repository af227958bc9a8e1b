import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { KizukiConfig } from '@kizuki/config';
import type { DeliverWebhookJobData, JobResults, JobName } from '@kizuki/queue';
import { openWebhookSecret, signWebhook, WEBHOOK_SIGNATURE_HEADER } from './signing';
import { checkWebhookTarget } from './webhook-target';
import { WebhookRepository } from './webhook.repository';

const TIMEOUT_MS = 10_000;

export type WebhookDeliveryResult = JobResults[JobName.DeliverWebhook];
/** What one attempt came to, for the worker's kizuki_webhook_deliveries_total{outcome}. */
export type WebhookAttemptOutcome = 'delivered' | 'failed' | 'refused';

/**
 * POSTs one event to one endpoint, signed (Kizuki-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")).
 * The target is checked again at delivery time (DNS answers change) and the connection goes only
 * to the addresses just checked; redirects are not followed. A non-2xx answer or a network error
 * throws, so the queue retries it (WEBHOOK_JOB_OPTIONS); a refused target throws
 * UnrecoverableError (not retried); a deleted or disabled endpoint is skipped.
 */
@Injectable()
export class WebhookDelivery {
  private readonly logger = new Logger(WebhookDelivery.name);

  constructor(
    private readonly config: KizukiConfig,
    private readonly repo: WebhookRepository,
  ) {}

  async deliver(
    d: DeliverWebhookJobData | undefined,
    attempt: { number: number; final: boolean },
    observe: (outcome: WebhookAttemptOutcome) => void = () => undefined,
  ): Promise<WebhookDeliveryResult> {
    if (!d?.tenantId || !d.deliveryId || !d.endpointId)
      throw new UnrecoverableError('webhook job without tenant, delivery or endpoint');
    const [endpoint, delivery] = await Promise.all([
      this.repo.endpointSecret(d.tenantId, d.endpointId),
      this.repo.deliveryPayload(d.tenantId, d.deliveryId),
    ]);
    if (!endpoint || !delivery) return { status: 'skipped' };
    if (delivery.status === 'delivered') return { status: 'delivered' };
    if (!endpoint.enabled) {
      await this.repo.recordAttempt(d.tenantId, d.deliveryId, {
        status: 'failed',
        statusCode: null,
        error: 'endpoint disabled',
      });
      return { status: 'skipped' };
    }
    const target = await checkWebhookTarget(endpoint.url, this.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS);
    if (!target.ok) {
      observe('refused');
      await this.repo.recordAttempt(d.tenantId, d.deliveryId, {
        status: 'refused',
        statusCode: null,
        error: `target refused: ${target.reason}`,
      });
      throw new UnrecoverableError(`webhook target refused: ${target.reason}`);
    }
    const body = JSON.stringify(delivery.payload);
    const secret = openWebhookSecret(this.config.KIZUKI_SECRET, endpoint.secretEnc);
    const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
    const envelope = delivery.payload as { type?: string };
    let statusCode: number | null = null;
    try {
      statusCode = await post(target.url, target.addresses, body, {
        'content-type': 'application/json',
        'user-agent': 'Kizuki-Webhooks/1',
        [WEBHOOK_SIGNATURE_HEADER]: signature,
        'Kizuki-Event': envelope.type ?? '',
        'Kizuki-Delivery': d.deliveryId,
      });
      if (statusCode >= 200 && statusCode < 300) {
        observe('delivered');
        await this.repo.recordAttempt(d.tenantId, d.deliveryId, { status: 'delivered', statusCode, error: null });
        return { status: 'delivered', statusCode };
      }
      throw new Error(
        statusCode >= 300 && statusCode < 400
          ? `answered ${statusCode}: redirects are not followed`
          : `answered ${statusCode}`,
      );
    } catch (e) {
      observe('failed');
      const error = String((e as Error).message ?? e);
      await this.repo.recordAttempt(d.tenantId, d.deliveryId, {
        status: attempt.final ? 'failed' : 'retrying',
        statusCode,
        error,
      });
      this.logger.debug({
        msg: 'webhook attempt failed',
        deliveryId: d.deliveryId,
        attempt: attempt.number,
        statusCode,
        err: error,
      });
      throw e;
    }
  }
}

/** POST to exactly the checked addresses (no new DNS lookup), reading at most 64 KiB of the answer. */
function post(
  url: URL,
  addresses: { address: string; family: 4 | 6 }[],
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  const pinned: LookupFunction = (_host, options, cb) => {
    const all = (options as { all?: boolean })?.all;
    if (all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
    else cb(null, addresses[0].address, addresses[0].family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: pinned,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) res.destroy();
        });
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('close', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
