import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { isUuid, pseudonymiseUser } from '@kizuki/crypto';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminAuthRepository, UserDataRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/webhooks';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { ApiErrors, DeviceStatusAnswerDto, ErasureDto, UserDevicesDto } from '../docs/api-schemas';


/**
 * A user's devices and data, addressed by the customer's own user id (pseudonymised on arrival,
 * exactly as in /v1/risk). Unknown users and other tenants' users answer the same 404.
 */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@ApiParam({ name: 'userId', description: 'Your own user id, exactly as sent in /v1/risk (URL-encoded)', example: 'hanako@example.jp' })
@ApiErrors(401, 404)
@Controller('v1/users/:userId')
@UseGuards(SecretKeyGuard)
export class UsersController {
  constructor(
    private readonly config: KizukiConfig,
    private readonly users: UserDataRepository,
    private readonly audit: AdminAuthRepository,
    private readonly webhooks: WebhookEventsService,
  ) {}

  /** Data-subject requests go to the tenant's audit log (the console's), the API key's prefix as actor. */
  private record(tenant: AuthenticatedTenant, action: string, accountId: string, after?: unknown): Promise<void> {
    return this.audit.audit(tenant.tenantId, { adminId: null, actor: tenant.keyPrefix ?? 'api', action, targetType: 'account', targetId: accountId, after });
  }

  private async account(tenant: AuthenticatedTenant, userId: string): Promise<string> {
    if (!userId || userId.length > 256) throw Errors.notFound('User');
    const id = await this.users.accountId(tenant.tenantId, pseudonymiseUser(this.config.KIZUKI_SECRET, tenant.tenantId, userId));
    if (!id) throw Errors.notFound('User');
    return id;
  }

  @Get('devices')
  @ApiOperation({ summary: 'The user\'s devices and their status' })
  @ApiOkResponse({ type: UserDevicesDto })
  async devices(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    const devices = await this.users.devices(tenant.tenantId, await this.account(tenant, userId));
    return { devices: devices.map((d) => ({ id: d.id, status: d.status, logins: d.logins, firstSeenAt: d.firstSeenAt, lastSeenAt: d.lastSeenAt })) };
  }

  @Post('devices/:deviceId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trust one of the user\'s devices (the user confirmed it)' })
  @ApiOkResponse({ type: DeviceStatusAnswerDto })
  approve(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string, @Param('deviceId') deviceId: string) {
    return this.setStatus(tenant, userId, deviceId, 'trusted');
  }

  @Post('devices/:deviceId/report')
  @HttpCode(200)
  @ApiOperation({ summary: 'Report one of the user\'s devices as fraud', description: 'Future logins from it are denied; sends the device.reported webhook.' })
  @ApiOkResponse({ type: DeviceStatusAnswerDto })
  async report(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string, @Param('deviceId') deviceId: string) {
    const r = await this.setStatus(tenant, userId, deviceId, 'fraud');
    await this.webhooks.emit(tenant.tenantId, 'device.reported', `api|${deviceId}|${Date.now()}`, { deviceId, source: 'api', reportedAt: new Date().toISOString() });
    return r;
  }

  private async setStatus(tenant: AuthenticatedTenant, userId: string, deviceId: string, status: 'trusted' | 'fraud') {
    const accountId = await this.account(tenant, userId);
    if (!isUuid(deviceId) || !(await this.users.setDeviceStatus(tenant.tenantId, accountId, deviceId, status))) throw Errors.notFound('Device');
    return { id: deviceId, status };
  }

  @Get('export')
  @ApiOperation({ summary: 'Everything stored about the user (data-subject access request)' })
  @ApiOkResponse({ description: 'account, devices, assessments, signalBundles, feedback', schema: { type: 'object', additionalProperties: true } })
  async export(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    const accountId = await this.account(tenant, userId);
    const data = await this.users.export(tenant.tenantId, accountId);
    await this.record(tenant, 'user.export', accountId);
    return data;
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase the user and everything derived from them' })
  @ApiOkResponse({ type: ErasureDto })
  async erase(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    const accountId = await this.account(tenant, userId);
    const erased = await this.users.erase(tenant.tenantId, accountId);
    await this.record(tenant, 'user.erase', accountId, erased);
    return { erased };
  }
}
