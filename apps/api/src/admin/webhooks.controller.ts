import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../docs/api-schemas';
import { Admin, AdminGuard, Roles } from './auth/admin.guard';
import type { AdminPrincipal } from './auth/admin-session.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { CreateWebhookDto, DeliveriesQueryDto, UpdateWebhookDto } from './webhooks.dto';

/** Webhook endpoints (admin role only, audited) and their delivery log. */
@AdminApi()
@Controller('admin/api/webhooks')
@UseGuards(AdminGuard)
@Roles('admin')
export class WebhooksController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Get()
  @ApiOperation({ summary: 'Webhook endpoints and the events they can subscribe to' })
  list(@Admin() p: AdminPrincipal) {
    return this.endpoints.list(p.tenantId);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an endpoint (URL checked against private targets; the signing secret is shown once)' })
  @ApiErrors(400, 409)
  create(@Admin() p: AdminPrincipal, @Body() dto: CreateWebhookDto) {
    return this.endpoints.create(p, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint (URL, events, description, enabled)' })
  @ApiErrors(400, 404)
  update(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    return this.endpoints.update(p, id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove an endpoint (and its delivery log)' })
  @ApiErrors(404)
  remove(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.endpoints.remove(p, id);
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first (status, attempts, last answer)' })
  @ApiErrors(400)
  deliveries(@Admin() p: AdminPrincipal, @Query() q: DeliveriesQueryDto) {
    return this.endpoints.deliveries(p.tenantId, q.endpoint, q.cursor);
  }
}
