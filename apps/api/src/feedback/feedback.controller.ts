import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FeedbackAnswer } from '@kizuki/contract';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { ApiErrors, FeedbackAnswerDto } from '../docs/api-schemas';
import { FeedbackDto } from './feedback.dto';
import { FeedbackService } from './feedback.service';

/** The customer reports how a login ended; trusted outcomes teach the profile (in the worker). */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/feedback')
@UseGuards(SecretKeyGuard)
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Tell Kizuki how a login ended',
    description:
      'Trusted labels (legit, challenge_passed) trust the device and teach the profiles; fraud marks the device.',
  })
  @ApiOkResponse({ type: FeedbackAnswerDto })
  @ApiErrors(400, 401, 404, 415, 503)
  async record(@Tenant() tenant: AuthenticatedTenant, @Body() dto: FeedbackDto): Promise<FeedbackAnswer> {
    const row = await this.feedback.record(tenant.tenantId, dto.assessmentId, dto.label, 'api');
    if (!row) throw Errors.notFound('Assessment');
    return { id: row.id, assessmentId: dto.assessmentId, label: dto.label };
  }
}
