import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { RangeQueryDto } from '../admin.dto';
import { Admin, AdminGuard } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { InsightsService } from './insights.service';

@AdminApi()
@Controller('admin/api')
@UseGuards(AdminGuard)
export class InsightsController {
  constructor(private readonly insights: InsightsService) {}

  @Get('dashboard')
  @ApiOperation({ summary: 'Dashboard: decisions over time, top reasons, countries' })
  @ApiErrors(400)
  dashboard(@Admin() p: AdminPrincipal, @Query() q: RangeQueryDto) {
    return this.insights.dashboard(p, q.range ?? '24h');
  }

  @Get('ips')
  @ApiOperation({ summary: 'IP summary: checks, users and failures per IP' })
  @ApiErrors(400)
  ips(@Admin() p: AdminPrincipal, @Query() q: RangeQueryDto) {
    return this.insights.ips(p, q.range ?? '24h', q.sort ?? 'checks');
  }
}
