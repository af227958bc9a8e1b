import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { KizukiConfig } from '@kizuki/config';
import { WEBHOOK_EVENTS } from '@kizuki/contract';
import { checkWebhookTarget, generateWebhookSecret, sealWebhookSecret, WebhookRepository } from '@kizuki/webhooks';
import { ApiError, Errors } from '../common/api-error';
import { AdminApi, ApiErrors } from '../docs/api-schemas';
import { AdminAuditService } from './admin-audit.service';
import { Admin, AdminGuard, Roles } from './auth/admin.guard';
import type { AdminPrincipal } from './auth/admin-session.service';
import { isUuid } from '@kizuki/crypto';
import { decodeCursor, encodeCursor } from './cursor';
import { CreateWebhookDto, DeliveriesQueryDto, UpdateWebhookDto } from './webhooks.dto';

const MAX_ENDPOINTS = 10;
const PAGE = 50;

/** Webhook endpoints (admin role only, audited) and their delivery log. */
@AdminApi()
@Controller('admin/api/webhooks')
@UseGuards(AdminGuard)
@Roles('admin')
export class WebhooksController {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly audit: AdminAuditService,
    private readonly config: KizukiConfig,
  ) {}

  private async checkTarget(url: string): Promise<string> {
    const check = await checkWebhookTarget(url, this.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS);
    if (!check.ok) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'WEBHOOK_TARGET_REFUSED', `This URL cannot receive webhooks: ${check.reason}.`, [{ path: 'url', problems: [check.reason] }]);
    }
    return check.url.toString();
  }

  @Get()
  @ApiOperation({ summary: 'Webhook endpoints and the events they can subscribe to' })
  async list(@Admin() p: AdminPrincipal) {
    return { items: await this.repo.listEndpoints(p.tenantId), events: WEBHOOK_EVENTS };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an endpoint (URL checked against private targets; the signing secret is shown once)' })
  @ApiErrors(400, 409)
  async create(@Admin() p: AdminPrincipal, @Body() dto: CreateWebhookDto) {
    const url = await this.checkTarget(dto.url);
    if ((await this.repo.countEndpoints(p.tenantId)) >= MAX_ENDPOINTS) throw new ApiError(HttpStatus.CONFLICT, 'CONFLICT', `At most ${MAX_ENDPOINTS} endpoints.`);
    const secret = generateWebhookSecret();
    const events = [...new Set(dto.events)];
    const item = await this.repo.createEndpoint(p.tenantId, {
      url,
      description: dto.description ?? null,
      events,
      secretEnc: sealWebhookSecret(this.config.KIZUKI_SECRET, secret),
      secretPrefix: secret.slice(0, 12),
    });
    await this.audit.record(p, 'webhook.create', { type: 'webhook_endpoint', id: item.id }, undefined, { url, events, description: item.description });
    // The secret in clear exists only in this answer.
    return { item, secret };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint (URL, events, description, enabled)' })
  @ApiErrors(400, 404)
  async update(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    const before = isUuid(id) ? await this.repo.findEndpoint(p.tenantId, id) : null;
    if (!before) throw Errors.notFound('Webhook endpoint');
    const url = dto.url !== undefined ? await this.checkTarget(dto.url) : undefined;
    const item = await this.repo.updateEndpoint(p.tenantId, id, { url, events: dto.events && [...new Set(dto.events)], description: dto.description, enabled: dto.enabled });
    if (!item) throw Errors.notFound('Webhook endpoint');
    const pick = (e: typeof item) => ({ url: e.url, events: e.events, description: e.description, enabled: e.enabled });
    await this.audit.record(p, 'webhook.update', { type: 'webhook_endpoint', id }, pick(before), pick(item));
    return { item };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove an endpoint (and its delivery log)' })
  @ApiErrors(404)
  async remove(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const removed = isUuid(id) ? await this.repo.deleteEndpoint(p.tenantId, id) : null;
    if (!removed) throw Errors.notFound('Webhook endpoint');
    await this.audit.record(p, 'webhook.delete', { type: 'webhook_endpoint', id }, { url: removed.url, events: removed.events }, undefined);
    return { id, removed: true };
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first (status, attempts, last answer)' })
  @ApiErrors(400)
  async deliveries(@Admin() p: AdminPrincipal, @Query() q: DeliveriesQueryDto) {
    const c = decodeCursor(q.cursor);
    const rows = await this.repo.listDeliveries(p.tenantId, { endpointId: q.endpoint, limit: PAGE + 1, before: c ? { at: c.createdAt, id: c.id } : null });
    const items = rows.slice(0, PAGE);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > PAGE && last ? encodeCursor(new Date(last.createdAt).toISOString(), last.id) : null };
  }
}
