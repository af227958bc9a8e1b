import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { CreateKeyDto, RotateKeyDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { ApiKeysService } from './api-keys.service';

@AdminApi()
@Controller('admin/api/keys')
@UseGuards(AdminGuard)
@Roles('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'API keys (prefixes only)' })
  async list(@Admin() p: AdminPrincipal) {
    return { items: await this.keys.list(p.tenantId) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API key (shown once)' })
  @ApiErrors(400)
  @HttpCode(201)
  create(@Admin() p: AdminPrincipal, @Body() dto: CreateKeyDto) {
    return this.keys.create(p, dto);
  }

  @Post(':id/rotate')
  @ApiOperation({ summary: 'Rotate a key (the old one keeps working for the overlap)' })
  @ApiErrors(400, 404, 409)
  @HttpCode(201)
  rotate(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: RotateKeyDto) {
    return this.keys.rotate(p, id, dto);
  }

  @Post(':id/revoke')
  @ApiOperation({ summary: 'Revoke a key' })
  @ApiErrors(404)
  @HttpCode(200)
  revoke(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.keys.revoke(p, id);
  }
}
