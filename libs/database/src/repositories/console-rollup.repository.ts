import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A tenant's time not rolled up yet (from its watermark to the last closed 10-minute window). */
export interface PendingRollup {
  tenantId: string;
  fromHour: Date;
  toHour: Date;
}

const HOUR_MS = 3_600_000;

/**
 * The console roll-up's write side (the worker's roll-up job, the backfill): hourly rows of each
 * tenant's closed hours and daily rows of its closed UTC days (kizuki_console_rollup), a bounded
 * range per statement.
 */
@Injectable()
export class ConsoleRollupRepository {
  constructor(private readonly db: DataSource) {}

  /** Every tenant's time not rolled up that ended at least `graceMs` before `now` (crosses tenants by design). */
  pending(now: Date, graceMs: number): Promise<PendingRollup[]> {
    return this.db.query(
      `SELECT tenant_id AS "tenantId", from_hour AS "fromHour", to_hour AS "toHour"
         FROM kizuki_console_rollup_pending($1, make_interval(secs => $2))`,
      [now, graceMs / 1000],
    );
  }

  /** Rolls up one tenant from the hour of `from` to `to` (10-minute aligned); the number of hours with assessments. */
  async rollup(tenantId: string, from: Date, to: Date): Promise<number> {
    const [row] = await this.db.query(`SELECT kizuki_console_rollup($1, $2, $3) AS n`, [tenantId, from, to]);
    return row.n;
  }

  /**
   * Rolls up everything pending as of `now`, `chunkHours` per statement (one day by default: a
   * statement stays well inside statement_timeout even when it backfills a busy tenant's history).
   */
  async catchUp(now: Date, graceMs: number, chunkHours = 24): Promise<{ tenants: number; hours: number }> {
    let tenants = 0;
    let hours = 0;
    for (const p of await this.pending(now, graceMs)) {
      tenants++;
      for (let t = p.fromHour.getTime(); t < p.toHour.getTime(); t += chunkHours * HOUR_MS) {
        const end = Math.min(t + chunkHours * HOUR_MS, p.toHour.getTime());
        hours += await this.rollup(p.tenantId, new Date(t), new Date(end));
      }
    }
    return { tenants, hours };
  }
}
