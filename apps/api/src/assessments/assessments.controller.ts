import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isUuid } from '@kizuki/crypto';
import { AssessmentRepository } from '@kizuki/database';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { ApiErrors, AssessmentDto } from '../docs/api-schemas';


@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/assessments')
@UseGuards(SecretKeyGuard)
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentRepository) {}

  // Another tenant's id, a malformed id and an unknown id all answer the same 404.
  @Get(':id')
  @ApiOperation({ summary: 'A stored assessment' })
  @ApiOkResponse({ type: AssessmentDto })
  @ApiErrors(401, 404)
  async get(@Tenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    const a = isUuid(id) ? await this.assessments.findById(tenant.tenantId, id) : null;
    if (!a) throw Errors.notFound('Assessment');
    return {
      id: a.id,
      event: a.event,
      status: a.status,
      decision: a.decision,
      policyDecision: a.policyDecision,
      shadow: a.shadow,
      score: a.score,
      scores: a.scores,
      reasons: a.reasons,
      device: a.deviceId ? { id: a.deviceId, status: a.deviceStatus } : null,
      label: a.label,
      degraded: false,
      createdAt: new Date(a.createdAt).toISOString(),
    };
  }
}
