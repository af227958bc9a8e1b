import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { ApiErrors, DeviceStatusAnswerDto, ErasureDto, UserDevicesDto } from '../docs/api-schemas';
import { UsersService } from './users.service';

/**
 * A user's devices and data, addressed by the customer's own user id (pseudonymised on arrival,
 * exactly as in /v1/risk). Unknown users and other tenants' users answer the same 404.
 */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@ApiParam({
  name: 'userId',
  description: 'Your own user id, exactly as sent in /v1/risk (URL-encoded)',
  example: 'hanako@example.jp',
})
@ApiErrors(401, 404)
@Controller('v1/users/:userId')
@UseGuards(SecretKeyGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('devices')
  @ApiOperation({ summary: "The user's devices and their status" })
  @ApiOkResponse({ type: UserDevicesDto })
  async devices(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    return { devices: await this.users.devices(tenant, userId) };
  }

  @Post('devices/:deviceId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Trust one of the user's devices (the user confirmed it)" })
  @ApiOkResponse({ type: DeviceStatusAnswerDto })
  approve(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string, @Param('deviceId') deviceId: string) {
    return this.users.approve(tenant, userId, deviceId);
  }

  @Post('devices/:deviceId/report')
  @HttpCode(200)
  @ApiOperation({
    summary: "Report one of the user's devices as fraud",
    description: 'Future logins from it are denied; sends the device.reported webhook.',
  })
  @ApiOkResponse({ type: DeviceStatusAnswerDto })
  report(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string, @Param('deviceId') deviceId: string) {
    return this.users.report(tenant, userId, deviceId);
  }

  @Get('export')
  @ApiOperation({ summary: 'Everything stored about the user (data-subject access request)' })
  @ApiOkResponse({
    description: 'account, devices, assessments, signalBundles, feedback',
    schema: { type: 'object', additionalProperties: true },
  })
  export(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    return this.users.export(tenant, userId);
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Erase the user and everything derived from them' })
  @ApiOkResponse({ type: ErasureDto })
  async erase(@Tenant() tenant: AuthenticatedTenant, @Param('userId') userId: string) {
    return { erased: await this.users.erase(tenant, userId) };
  }
}
