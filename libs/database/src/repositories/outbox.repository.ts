import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withTenant } from '../tenant-scope';

export interface OutboxJob {
  jobId: string;
  name: string;
  data: unknown;
  priority: number | null;
}

/**
 * Score jobs the api could not hand to Redis, kept in PostgreSQL until a relay can
 * (kizuki_outbox_*, migration 1764490700000): durable across api restarts, unlike memory.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /** Keeps a job for the relay (as its tenant); a job already kept stays as it is (same deterministic id). */
  async put(tenantId: string, job: OutboxJob): Promise<void> {
    await withTenant(this.db, tenantId, (m) =>
      m.query(
        `INSERT INTO score_outbox (job_id, tenant_id, name, data, priority) VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (job_id) DO NOTHING`,
        [job.jobId, tenantId, job.name, JSON.stringify(job.data), job.priority],
      ),
    );
  }

  /** Leases up to `limit` jobs (oldest first) for `leaseSeconds`; another relay may take them after that. */
  async claim(limit: number, leaseSeconds: number): Promise<OutboxJob[]> {
    const rows: { job_id: string; name: string; data: unknown; priority: number | null }[] = await this.db.query(
      `SELECT job_id, name, data, priority FROM kizuki_outbox_claim($1, $2)`,
      [limit, leaseSeconds],
    );
    return rows.map((r) => ({ jobId: r.job_id, name: r.name, data: r.data, priority: r.priority }));
  }

  /** Forgets the jobs Redis took. */
  async done(jobIds: string[]): Promise<number> {
    if (!jobIds.length) return 0;
    const [{ n }] = await this.db.query(`SELECT kizuki_outbox_done($1::text[]) AS n`, [jobIds]);
    return n;
  }

  /** Jobs waiting in the outbox (all tenants; a count only). */
  async depth(): Promise<number> {
    const [{ n }] = await this.db.query(`SELECT kizuki_outbox_depth()::int AS n`);
    return n;
  }
}
