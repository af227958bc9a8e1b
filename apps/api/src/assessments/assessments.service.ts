import { Injectable } from '@nestjs/common';
import { isUuid } from '@kizuki/crypto';
import { AssessmentRepository } from '@kizuki/database';
import { Errors } from '../common/api-error';
import { assessmentOutcome } from './assessment-outcome';

/** A stored assessment as /v1 answers it. */
@Injectable()
export class AssessmentsService {
  constructor(private readonly assessments: AssessmentRepository) {}

  // Another tenant's id, a malformed id and an unknown id all answer the same 404.
  async get(tenantId: string, id: string) {
    const a = isUuid(id) ? await this.assessments.findById(tenantId, id) : null;
    if (!a) throw Errors.notFound('Assessment');
    return {
      ...assessmentOutcome(a),
      device: a.deviceId ? { id: a.deviceId, status: a.deviceStatus } : null,
      label: a.label,
      degraded: false,
      createdAt: new Date(a.createdAt).toISOString(),
    };
  }
}
