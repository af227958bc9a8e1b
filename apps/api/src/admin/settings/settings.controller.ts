import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { SettingsDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { SettingsService } from './settings.service';

@AdminApi()
@Controller('admin/api/settings')
@UseGuards(AdminGuard)
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's privacy settings (display labels stored or not)" })
  current(@Admin() p: AdminPrincipal) {
    return this.settings.current(p.tenantId);
  }

  @Put()
  @ApiOperation({ summary: 'Switch display labels on or off (off wipes the stored ones)' })
  @ApiErrors(400)
  @Roles('admin')
  save(@Admin() p: AdminPrincipal, @Body() dto: SettingsDto) {
    return this.settings.save(p, dto.displayLabels);
  }
}
