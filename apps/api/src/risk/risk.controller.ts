import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RiskAnswer, RiskRequest } from '@kizuki/contract';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { ApiErrors, RiskAnswerDto } from '../docs/api-schemas';
import { LinksService } from '../links/links.service';
import { MetricsService } from '../metrics/metrics.service';
import { CompiledBodyPipe } from '../common/compiled-validation';
import { RiskDto } from './risk.dto';
import { RiskService } from './risk.service';

// eslint-disable-next-line no-useless-assignment -- read by @Body() below; the rule misses decorator arguments
const RISK_BODY = new CompiledBodyPipe(RiskDto);

@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/risk')
@UseGuards(SecretKeyGuard)
export class RiskController {
  constructor(
    private readonly risk: RiskService,
    private readonly metrics: MetricsService,
    private readonly links: LinksService,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Assess a login, registration, password reset or profile change (your backend, as it happens)',
    description:
      "Scored by the worker within RISK_TIMEOUT_MS; otherwise the tenant's fallback decision with degraded: true " +
      '(never a 500). Retrying the same call returns the same assessment.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes calls without a request token idempotent',
  })
  @ApiBody({ type: RiskDto })
  @ApiOkResponse({ type: RiskAnswerDto })
  @ApiErrors(400, 401, 413, 415, 429)
  async assess(
    @Tenant() tenant: AuthenticatedTenant,
    // a plain object checked against RiskDto's rules (the global pipe skips a non-class type): see compiled-
    // validation.ts
    @Body(RISK_BODY) dto: RiskRequest,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<RiskAnswer> {
    const answer = await this.risk.assess(tenant, dto, idempotencyKey?.slice(0, 200));
    this.metrics.recordDecision(answer);
    return this.links.attach(tenant.tenantId, answer);
  }
}
