import type { Decision, DeviceStatus, LoginStatus, RiskReason, RiskScores } from '@kizuki/contract';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export interface AssessmentRow {
  id: string;
  accountId: string;
  deviceId: string | null;
  bundleId: string | null;
  event: string;
  status: LoginStatus;
  decision: Decision;
  policyDecision: Decision;
  shadow: boolean;
  score: number;
  scores: RiskScores;
  reasons: RiskReason[];
  deviceStatus: DeviceStatus | null;
  ip: string | null;
  country: string | null;
  label: string | null;
  createdAt: Date;
}

const COLUMNS = `id, account_id AS "accountId", device_id AS "deviceId", bundle_id AS "bundleId", event, status,
  decision, policy_decision AS "policyDecision", shadow, score, scores, reasons, device_status AS "deviceStatus",
  host(ip) AS ip, country, label, created_at AS "createdAt"`;

@Injectable()
export class AssessmentRepository {
  constructor(private readonly db: DataSource) {}

  async findById(tenantId: string, id: string): Promise<AssessmentRow | null> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      (m) => m.query(`SELECT ${COLUMNS} FROM assessments WHERE tenant_id = $1 AND id = $2`, [tenantId, id]),
      {
        readOnly: true,
      },
    );
    return row ?? null;
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<AssessmentRow | null> {
    const [row] = await withTenant(
      this.db,
      tenantId,
      // through the key table (assessments are partitioned by time: the key's row names the partition)
      (m) =>
        m.query(
          `SELECT ${COLUMNS} FROM assessments WHERE tenant_id = $1 AND (id, created_at) = (
             SELECT assessment_id, created_at FROM assessment_keys WHERE tenant_id = $1 AND idempotency_key = $2)`,
          [tenantId, key],
        ),
      { readOnly: true },
    );
    return row ?? null;
  }
}
