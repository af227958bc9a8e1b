import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { ApiErrors, AssessmentDto } from '../docs/api-schemas';
import { AssessmentsService } from './assessments.service';

@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/assessments')
@UseGuards(SecretKeyGuard)
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A stored assessment' })
  @ApiOkResponse({ type: AssessmentDto })
  @ApiErrors(401, 404)
  get(@Tenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    return this.assessments.get(tenant.tenantId, id);
  }
}
