import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { FeedbackRepository } from '@kizuki/database';
import { JobName, jobIds } from '@kizuki/queue';
import { Errors } from '../common/api-error';
import { JobProducer } from '../queue/job-producer';

/**
 * An analyst's label feeds learning exactly like POST /v1/feedback: FeedbackRepository.record,
 * then the ApplyFeedback job on the score queue with its deterministic id (the worker applies it once).
 */
@Injectable()
export class AdminLabelService implements OnModuleInit {
  private readonly logger = new Logger(AdminLabelService.name);
  private producer!: JobProducer;

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // The api's one JobProducer (its queue handles), not a second one.
    this.producer = this.moduleRef.get(JobProducer, { strict: false });
  }

  async label(tenantId: string, assessmentId: string, label: 'legit' | 'fraud', source: string): Promise<{ feedbackId: string } | null> {
    const row = await this.feedback.record(tenantId, assessmentId, label, source);
    if (!row) return null;
    try {
      await this.producer.add(JobName.ApplyFeedback, { tenantId, feedbackId: row.id, assessmentId, label }, jobIds.feedback(row.id));
    } catch (e) {
      this.logger.warn({ msg: 'label recorded but learning not queued', err: String(e) });
      throw Errors.unavailable('The label was recorded but cannot be learned from right now; try again.');
    }
    return { feedbackId: row.id };
  }
}
