import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { CollectSourcesDto } from './sources.dto';
import { SourcesService } from './sources.service';

@AdminApi()
@Controller('admin/api/sources')
@UseGuards(AdminGuard)
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Get()
  @ApiOperation({ summary: 'Where publishable keys may collect from: web origins and mobile app ids' })
  get(@Admin() p: AdminPrincipal) {
    return this.sources.get(p.tenantId);
  }

  @Put()
  @ApiOperation({ summary: 'Replace the web origins and mobile app ids (bundle id / package name)' })
  @ApiErrors(400)
  @Roles('admin')
  save(@Admin() p: AdminPrincipal, @Body() dto: CollectSourcesDto) {
    return this.sources.save(p, dto);
  }
}
