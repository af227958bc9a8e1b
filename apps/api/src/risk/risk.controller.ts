import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { RiskAnswer } from '@kizuki/queue';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { RiskDto } from './risk.dto';
import { RiskService } from './risk.service';

@Controller('v1/risk')
@UseGuards(SecretKeyGuard)
export class RiskController {
  constructor(private readonly risk: RiskService) {}

  @Post()
  @HttpCode(200)
  assess(
    @Tenant() tenant: AuthenticatedTenant,
    @Body() dto: RiskDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RiskAnswer> {
    return this.risk.assess(tenant, dto, idempotencyKey?.slice(0, 200));
  }
}
