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
 * (libs/database/sql/kizuki_outbox_*.sql): durable across api restarts, unlike memory.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Keeps a tenant's jobs for the relay, in one transaction and one statement: during a Redis outage
   * every degraded risk answer lands here, and one transaction per job (three round trips and a WAL
   * flush each) was what the outbox cost PostgreSQL then. A job already kept stays as it is (same
   * deterministic id), also when it appears twice in one call.
   */
  async putMany(tenantId: string, jobs: OutboxJob[]): Promise<void> {
    if (!jobs.length) return;
    await withTenant(this.db, tenantId, (m) =>
      m.query(
        `INSERT INTO score_outbox (job_id, tenant_id, name, data, priority)
         SELECT j->>'jobId', $1, j->>'name', j->'data', (j->>'priority')::integer FROM jsonb_array_elements($2::jsonb) j
         ON CONFLICT (tenant_id, job_id) DO NOTHING`,
        [tenantId, JSON.stringify(jobs)],
      ),
    );
  }

  /** Keeps one job for the relay. */
  put(tenantId: string, job: OutboxJob): Promise<void> {
    return this.putMany(tenantId, [job]);
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
