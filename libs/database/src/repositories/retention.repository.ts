import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from './rows';
import { withTenant } from '../tenant-scope';

/** Rows of the tenant older than these are past its retention (rounded down to their partition). */
export interface RetentionCutoffs {
  tenantId: string;
  bundlesBefore: Date;
  assessmentsBefore: Date;
}

/** Purges old rows of one tenant in bounded batches (one short transaction per batch). */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Every tenant's retention cutoffs as of `now` (kizuki_retention_cutoffs, migration
   * 1764490600000: the one place periods, defaults and rounding live, shared with partition
   * upkeep). Crosses tenants by design (the retention job visits them all); ids and times only.
   */
  async cutoffs(now: Date): Promise<RetentionCutoffs[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", bundles_before AS "bundlesBefore", assessments_before AS "assessmentsBefore"
         FROM kizuki_retention_cutoffs($1)`,
      [now],
    );
  }

  /**
   * Makes the coming time partitions of signal_bundles (daily) and assessments (monthly) and drops
   * those every tenant's retention has passed (kizuki_maintain_partitions, migration
   * 1764490600000: as the owner, on the database's clock).
   */
  async maintainPartitions(): Promise<{ action: 'created' | 'dropped' | 'busy'; partition: string }[]> {
    return this.db.query(`SELECT action, partition_name AS partition FROM kizuki_maintain_partitions()`);
  }

  /** Deletes up to `limit` signal bundles received before `before`; returns how many. */
  purgeBundles(tenantId: string, before: Date, limit: number): Promise<number> {
    return this.purgeOldest(tenantId, PURGEABLE.bundles, before, limit);
  }

  /** Deletes up to `limit` assessments made before `before`; returns how many. */
  purgeAssessments(tenantId: string, before: Date, limit: number): Promise<number> {
    return this.purgeOldest(tenantId, PURGEABLE.assessments, before, limit);
  }

  /** Labels given before `before` (their assessments are as old or older, and go by the same period). */
  purgeFeedback(tenantId: string, before: Date, limit: number): Promise<number> {
    return this.purgeOldest(tenantId, PURGEABLE.feedback, before, limit);
  }

  /**
   * The console roll-up's hours, 10-minute windows and days that hold any assessment made before
   * `before` (the hour and the day it falls in too): the roll-up leaves with the rows it was made of.
   */
  async purgeConsoleRollup(tenantId: string, before: Date, limit: number): Promise<number> {
    return (
      (await this.purgeOldest(tenantId, PURGEABLE.consoleHours, before, limit)) +
      (await this.purgeOldest(tenantId, PURGEABLE.consoleBursts, before, limit)) +
      (await this.purgeOldest(tenantId, PURGEABLE.consoleDays, before, limit))
    );
  }

  /**
   * The IP summary snapshots that aggregated any assessment made before `before` (the whole
   * snapshot: its figures cannot be taken apart); the job rebuilds them from the rows that stay.
   */
  async purgeIpSummaries(tenantId: string, before: Date): Promise<number> {
    const rows = await withTenant(this.db, tenantId, (m) =>
      m.query(`DELETE FROM ip_summaries WHERE tenant_id = $1 AND oldest < $2 RETURNING range`, [tenantId, before]),
    );
    return rowsOf(rows).length;
  }

  /** Idempotency keys only matter while a login can be retried or its job redelivered. */
  purgeAssessmentKeys(tenantId: string, before: Date, limit: number): Promise<number> {
    return this.purgeOldest(tenantId, PURGEABLE.assessmentKeys, before, limit);
  }

  /** Token uses only matter while a token can be presented (TOKEN_TTL_SECONDS ≤ 1 h). */
  purgeTokenUses(tenantId: string, before: Date, limit: number): Promise<number> {
    return this.purgeOldest(tenantId, PURGEABLE.tokenUses, before, limit);
  }

  /** One bounded batch, oldest first, in the tenant's row-level-security scope. */
  private async purgeOldest(tenantId: string, t: Purgeable, before: Date, limit: number): Promise<number> {
    const rows = await withTenant(this.db, tenantId, (m) =>
      m.query(
        // by key and time: on a time-partitioned table each row is found in its own partition
        // (the time bound on the outer DELETE too: without it the DELETE opens every partition)
        `DELETE FROM ${t.table} WHERE tenant_id = $1 AND ${t.time} < $2 AND (${t.key}, ${t.time}) IN (
           SELECT ${t.key}, ${t.time} FROM ${t.table}
            WHERE tenant_id = $1 AND ${t.time} < $2
            ORDER BY ${t.time} LIMIT $3)
         RETURNING ${t.key}`,
        [tenantId, before, limit],
      ),
    );
    return rowsOf(rows).length;
  }
}

interface Purgeable {
  table: string;
  key: string;
  time: string;
}

/** The tables retention empties, by their key and time columns (identifiers fixed here, never from input). */
const PURGEABLE = {
  bundles: { table: 'signal_bundles', key: 'id', time: 'received_at' },
  assessments: { table: 'assessments', key: 'id', time: 'created_at' },
  feedback: { table: 'feedback', key: 'id', time: 'created_at' },
  assessmentKeys: { table: 'assessment_keys', key: 'idempotency_key', time: 'created_at' },
  tokenUses: { table: 'token_uses', key: 'token_id', time: 'created_at' },
  consoleHours: { table: 'console_hours', key: 'hour', time: 'hour' },
  consoleBursts: { table: 'console_bursts', key: 'window_start', time: 'window_start' },
  consoleDays: { table: 'console_days', key: 'day', time: 'day' },
} as const satisfies Record<string, Purgeable>;
