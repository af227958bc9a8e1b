// What row-level security costs the risk path's database work, on this machine: the score job's
// reads (idempotency check, bundle, state load, lists) and its write transaction, run (a) as the
// app does now — role kizuki_app, each through withTenant — and (b) as before RLS — the owner,
// plain queries and TypeORM's own transaction. Same SQL, same data, alternating, after a warm-up.
//   npx tsx bench/rls-cost.ts [--n 2000]
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createDataSource, LoginStateRepository, withTenant } from '@kizuki/database';
import { withScratchDatabase } from './lib/scratch-db';
import { percentile } from './lib/stack';

async function main(): Promise<void> {
  const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 2000;
  await withScratchDatabase('rlsbench', async (url) => {
    const owner = createDataSource({ url, poolSize: 2 });
    const app = createDataSource({ url, poolSize: 2, role: 'kizuki_app' });
    try {
      await owner.initialize();
      await app.initialize();
      const tenantId = randomUUID();
      await owner.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [tenantId]);
      const repo = new LoginStateRepository(app);
      // some history: 200 accounts with devices
      for (let i = 0; i < 200; i++) {
        await repo.recordMany(tenantId, [
          {
            assessment: {
              id: randomUUID(),
              idempotencyKey: `seed-${i}`,
              bundleId: null,
              event: 'login',
              status: 'succeeded',
              decision: 'allow',
              policyDecision: 'allow',
              shadow: false,
              score: 1,
              scores: {},
              reasons: [],
              ip: '203.0.113.1',
              country: 'JP',
              asn: null,
              userAgent: null,
              createdAt: new Date(),
            },
            userHash: `user-${i % 50}`,
            device: { visitorId: `visitor-${i % 80}`, storageId: null, components: {} },
            linkStatus: 'new',
            tokenId: null,
            learned: null,
          },
        ]);
      }
      const loadSql = `SELECT t.policy, (SELECT row_to_json(a) FROM accounts a WHERE a.tenant_id = $1
        AND a.user_hash = $2) AS account,
          (SELECT row_to_json(d) FROM devices d WHERE d.tenant_id = $1 AND d.visitor_id = $3) AS device
            FROM tenants t WHERE t.id = $1`;
      const reads: [string, unknown[]][] = [
        [
          `SELECT assessment_id FROM assessment_keys WHERE tenant_id = $1 AND idempotency_key = $2`,
          [tenantId, 'missing'],
        ],
        [`SELECT id, payload FROM signal_bundles WHERE tenant_id = $1 AND id = $2`, [tenantId, randomUUID()]],
        [loadSql, [tenantId, 'user-7', 'visitor-7']],
        [
          `SELECT list FROM list_entries WHERE tenant_id = $1 AND kind = 'ip' AND value = $2`,
          [tenantId, '203.0.113.1'],
        ],
      ];
      const write = async (m: { query: (q: string, p: unknown[]) => Promise<unknown> }) => {
        await m.query(`UPDATE accounts SET last_seen_at = now() WHERE tenant_id = $1 AND user_hash = $2`, [
          tenantId,
          'user-3',
        ]);
        await m.query(`UPDATE devices SET last_seen_at = now() WHERE tenant_id = $1 AND visitor_id = $2`, [
          tenantId,
          'visitor-3',
        ]);
      };
      const before = async () => {
        for (const [q, p] of reads) await owner.query(q, p);
        await owner.transaction((m) => write(m));
      };
      const after = async () => {
        for (const [q, p] of reads) await withTenant(app, tenantId, (m) => m.query(q, p), { readOnly: true });
        await withTenant(app, tenantId, (m) => write(m));
      };
      for (let i = 0; i < 200; i++) {
        await before();
        await after();
      }
      const tb: number[] = [];
      const ta: number[] = [];
      for (let i = 0; i < n; i++) {
        let t = performance.now();
        await before();
        tb.push(performance.now() - t);
        t = performance.now();
        await after();
        ta.push(performance.now() - t);
      }
      tb.sort((x, y) => x - y);
      ta.sort((x, y) => x - y);
      const f = (x: number) => Number(x.toFixed(3));
      console.log(
        JSON.stringify({
          bench: 'rls-cost',
          n,
          work: '4 reads + 1 write transaction (2 statements), as in one score job',
          withoutRlsMs: { p50: f(percentile(tb, 50)), p95: f(percentile(tb, 95)), p99: f(percentile(tb, 99)) },
          withRlsMs: { p50: f(percentile(ta, 50)), p95: f(percentile(ta, 95)), p99: f(percentile(ta, 99)) },
          addedP50Ms: f(percentile(ta, 50) - percentile(tb, 50)),
        }),
      );
    } finally {
      await app.destroy().catch(() => undefined);
      await owner.destroy().catch(() => undefined);
    }
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
