import { Body, Controller, HttpCode, Logger, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FeedbackAnswer } from '@kizuki/contract';
import { FeedbackRepository } from '@kizuki/database';
import { JobName, jobIds } from '@kizuki/queue';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { JobProducer } from '../queue/job-producer';
import { ApiErrors, FeedbackAnswerDto } from '../docs/api-schemas';
import { FeedbackDto } from './feedback.dto';

/** The customer reports how a login ended; trusted outcomes teach the profile (in the worker). */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/feedback')
@UseGuards(SecretKeyGuard)
export class FeedbackController {
  private readonly logger = new Logger(FeedbackController.name);

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly jobs: JobProducer,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Tell Kizuki how a login ended', description: 'Trusted labels (legit, challenge_passed) trust the device and teach the profiles; fraud marks the device.' })
  @ApiOkResponse({ type: FeedbackAnswerDto })
  @ApiErrors(400, 401, 404, 415, 503)
  async record(@Tenant() tenant: AuthenticatedTenant, @Body() dto: FeedbackDto): Promise<FeedbackAnswer> {
    const row = await this.feedback.record(tenant.tenantId, dto.assessmentId, dto.label, 'api');
    if (!row) throw Errors.notFound('Assessment');
    try {
      await this.jobs.add(JobName.ApplyFeedback, { tenantId: tenant.tenantId, feedbackId: row.id, assessmentId: dto.assessmentId, label: dto.label }, jobIds.feedback(row.id));
    } catch (e) {
      this.logger.warn({ msg: 'feedback recorded but learning not queued', err: String(e) });
      throw Errors.unavailable('The label was recorded but cannot be learned from right now; send it again.');
    }
    return { id: row.id, assessmentId: dto.assessmentId, label: dto.label };
  }
}
