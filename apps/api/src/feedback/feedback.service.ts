import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FeedbackLabel } from '@kizuki/contract';
import { FeedbackRepository } from '@kizuki/database';
import { JobName, jobIds } from '@kizuki/queue';
import { Errors } from '../common/api-error';
import { JobProducer } from '../queue/job-producer';

/**
 * How a login ended, from the customer (POST /v1/feedback) or an analyst (the console's label):
 * FeedbackRepository.record, then the ApplyFeedback job on the score queue with its deterministic id
 * (the worker applies it once).
 */
@Injectable()
export class FeedbackService implements OnModuleInit {
  private readonly logger = new Logger(FeedbackService.name);
  private producer!: JobProducer;

  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    // The api's one JobProducer (its queue handles), not a second one.
    this.producer = this.moduleRef.get(JobProducer, { strict: false });
  }

  /** The feedback's id, or null when the tenant has no such assessment. */
  async record(
    tenantId: string,
    assessmentId: string,
    label: FeedbackLabel,
    source: 'api' | 'console',
  ): Promise<{ id: string } | null> {
    const row = await this.feedback.record(tenantId, assessmentId, label, source);
    if (!row) return null;
    try {
      await this.producer.add(
        JobName.ApplyFeedback,
        { tenantId, feedbackId: row.id, assessmentId, label },
        jobIds.feedback(row.id),
      );
    } catch (e) {
      this.logger.warn({ msg: 'feedback recorded but learning not queued', source, err: String(e) });
      throw Errors.unavailable('The label was recorded but cannot be learned from right now; send it again.');
    }
    return { id: row.id };
  }
}
