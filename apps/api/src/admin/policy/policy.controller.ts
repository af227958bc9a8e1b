import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { PolicyDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { PolicyService } from './policy.service';

@AdminApi()
@Controller('admin/api/policy')
@UseGuards(AdminGuard)
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The policy (thresholds, detectors, fallback, shadow mode) and its defaults' })
  policy(@Admin() p: AdminPrincipal) {
    return this.policies.current(p.tenantId);
  }

  @Post('backtest')
  @ApiOperation({ summary: 'Replay the last 7 days under a proposed policy' })
  @ApiErrors(400)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  backtest(@Admin() p: AdminPrincipal, @Body() dto: PolicyDto) {
    return this.policies.backtest(p.tenantId, dto);
  }

  @Put()
  @ApiOperation({ summary: 'Save the policy' })
  @ApiErrors(400)
  @Roles('admin')
  save(@Admin() p: AdminPrincipal, @Body() dto: PolicyDto) {
    return this.policies.save(p, dto);
  }
}
