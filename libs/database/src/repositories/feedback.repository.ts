import type { FeedbackLabel } from '@kizuki/contract';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';
import { rowsOf } from './rows';

@Injectable()
export class FeedbackRepository {
  constructor(private readonly db: DataSource) {}

  /** Records the label and sets it on the assessment; null when the assessment is not this tenant's. */
  async record(
    tenantId: string,
    assessmentId: string,
    label: FeedbackLabel,
    source: string,
  ): Promise<{ id: string } | null> {
    return withTenant(this.db, tenantId, async (m) => {
      const updated = rowsOf(
        await m.query(`UPDATE assessments SET label = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id`, [
          tenantId,
          assessmentId,
          label,
        ]),
      );
      if (!updated.length) return null;
      const [row] = await m.query(
        `INSERT INTO feedback (tenant_id, assessment_id, label, source) VALUES ($1, $2, $3, $4) RETURNING id`,
        [tenantId, assessmentId, label, source],
      );
      return row;
    });
  }
}
