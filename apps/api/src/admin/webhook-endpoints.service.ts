import { HttpStatus, Injectable } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { isUuid } from '@kizuki/crypto';
import { WEBHOOK_EVENTS } from '@kizuki/contract';
import { checkWebhookTarget, generateWebhookSecret, sealWebhookSecret, WebhookRepository } from '@kizuki/webhooks';
import { ApiError, Errors } from '../common/api-error';
import { AuditLog } from '../common/audit-log.service';
import type { AdminPrincipal } from './auth/admin-session.service';
import { decodeCursor, keysetPage } from './cursor';
import type { CreateWebhookDto, UpdateWebhookDto } from './webhooks.dto';

const MAX_ENDPOINTS = 10;
const PAGE = 50;

/** A tenant's webhook endpoints (URL checked against private targets, audited) and their delivery log. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly audit: AuditLog,
    private readonly config: KizukiConfig,
  ) {}

  /** The endpoints, and the events they can subscribe to. */
  async list(tenantId: string) {
    return { items: await this.repo.listEndpoints(tenantId), events: WEBHOOK_EVENTS };
  }

  /** The signing secret in clear exists only in this answer. */
  async create(p: AdminPrincipal, dto: CreateWebhookDto) {
    const url = await this.checkTarget(dto.url);
    if ((await this.repo.countEndpoints(p.tenantId)) >= MAX_ENDPOINTS) {
      throw new ApiError(HttpStatus.CONFLICT, 'CONFLICT', `At most ${MAX_ENDPOINTS} endpoints.`);
    }
    const secret = generateWebhookSecret();
    const events = [...new Set(dto.events)];
    const item = await this.repo.createEndpoint(p.tenantId, {
      url,
      description: dto.description ?? null,
      events,
      secretEnc: sealWebhookSecret(this.config.KIZUKI_SECRET, secret),
      secretPrefix: secret.slice(0, 12),
    });
    const after = { url, events, description: item.description };
    await this.audit.record(p, 'webhook.create', { type: 'webhook_endpoint', id: item.id }, undefined, after);
    return { item, secret };
  }

  async update(p: AdminPrincipal, id: string, dto: UpdateWebhookDto) {
    const before = isUuid(id) ? await this.repo.findEndpoint(p.tenantId, id) : null;
    if (!before) throw Errors.notFound('Webhook endpoint');
    const url = dto.url !== undefined ? await this.checkTarget(dto.url) : undefined;
    const events = dto.events && [...new Set(dto.events)];
    const item = await this.repo.updateEndpoint(p.tenantId, id, {
      url,
      events,
      description: dto.description,
      enabled: dto.enabled,
    });
    if (!item) throw Errors.notFound('Webhook endpoint');
    const pick = (e: typeof item) => ({ url: e.url, events: e.events, description: e.description, enabled: e.enabled });
    await this.audit.record(p, 'webhook.update', { type: 'webhook_endpoint', id }, pick(before), pick(item));
    return { item };
  }

  async remove(p: AdminPrincipal, id: string) {
    const removed = isUuid(id) ? await this.repo.deleteEndpoint(p.tenantId, id) : null;
    if (!removed) throw Errors.notFound('Webhook endpoint');
    const before = { url: removed.url, events: removed.events };
    await this.audit.record(p, 'webhook.delete', { type: 'webhook_endpoint', id }, before, undefined);
    return { id, removed: true };
  }

  async deliveries(tenantId: string, endpointId: string | undefined, cursor: string | undefined) {
    const c = decodeCursor(cursor);
    const before = c ? { at: c.createdAt, id: c.id } : null;
    const rows = await this.repo.listDeliveries(tenantId, { endpointId, limit: PAGE + 1, before });
    return keysetPage(rows, PAGE, (r) => ({ at: new Date(r.createdAt).toISOString(), id: r.id }));
  }

  private async checkTarget(url: string): Promise<string> {
    const check = await checkWebhookTarget(url, this.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS);
    if (!check.ok) {
      const message = `This URL cannot receive webhooks: ${check.reason}.`;
      throw new ApiError(HttpStatus.BAD_REQUEST, 'WEBHOOK_TARGET_REFUSED', message, [
        { path: 'url', problems: [check.reason] },
      ]);
    }
    return check.url.toString();
  }
}
