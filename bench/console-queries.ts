// Admin console query latency at scale: a fresh database seeded with 10,000,000 assessments (INSERT … SELECT
// generate_series on two connections into unlogged partitions without their indexes, built after the load, plus
// 50,000 accounts and 20,000 devices), then the list
// endpoints (first page, filtered pages, a deep keyset page) and the detail endpoint measured
// through the real api (production build, its own process) over HTTP with a real console session.
// The dashboard reads the hourly roll-up, which the bench fills with its backfill (kizuki_console_rollup, as the
// worker's roll-up job does for a deployment's history) and times; the IP summary reads the snapshots the bench
// builds as the worker's IP summary job does (kizuki_ip_summary_build), also timed. Prints p50 / p95 per query,
// each p95 as a multiple of the first page's p50 (the floor), and the load average.
//   npx tsx bench/console-queries.ts [--rows 10000000] [--n 60]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { pseudonymiseUser, sealDisplayLabel } from '@kizuki/crypto';
import { encodeCursor } from '../apps/api/src/admin/cursor';
import { ROOT, startStack } from './lib/stack';

const arg = (name: string, dflt: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt;
const ROWS = arg('--rows', 10_000_000);
const N = arg('--n', 60);
const PASSWORD = 'bench password 123';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main(): Promise<void> {
  const stack = await startStack({ workers: 0 });
  const pg = new Client({ connectionString: stack.env.DATABASE_URL });
  await pg.connect();
  const env = {
    baseUrl: stack.baseUrl,
    sql: async <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
      (await pg.query(text, params)).rows as T[],
  };
  try {
    const a = stack.tenant;
    const cli = (input: string, ...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/main.js'), ...args], {
        env: stack.env,
        encoding: 'utf8',
        input,
      });
    const other = JSON.parse(cli('', 'tenants', 'create', '--name', 'Bench B').stdout);
    const admin = cli(
      PASSWORD,
      'admins',
      'create',
      '--tenant',
      a.tenantId,
      '--email',
      'bench@example.com',
      '--role',
      'analyst',
    );
    if (admin.status !== 0) throw new Error(admin.stderr);

    let t = performance.now();
    await env.sql(`SET synchronous_commit = off`);
    await env.sql(
      `INSERT INTO accounts (tenant_id, user_hash, login_count) SELECT $1, md5('user' || g), 20
        FROM generate_series(1, 50000) g`,
      [a.tenantId],
    );
    // the first accounts get the pseudonyms of user-0, user-1, … so the raw-user-id filter finds them
    const firstAccounts = await env.sql<{ id: string }>(
      `SELECT id FROM accounts WHERE tenant_id = $1 ORDER BY id LIMIT $2`,
      [a.tenantId, N + 3],
    );
    for (const [i, acc] of firstAccounts.entries()) {
      const label = sealDisplayLabel(stack.env.KIZUKI_SECRET, a.tenantId, { email: `user-${i}@example.jp` });
      await env.sql(`UPDATE accounts SET user_hash = $2, display_label = $3, display_label_keys = $4 WHERE id = $1`, [
        acc.id,
        pseudonymiseUser(stack.env.KIZUKI_SECRET, a.tenantId, `user-${i}`),
        label.sealed,
        label.keys,
      ]);
    }
    await env.sql(
      `INSERT INTO devices (tenant_id, visitor_id) SELECT $1, 'visitor-' || g FROM generate_series(1, 20000) g`,
      [a.tenantId],
    );
    // ROWS assessments over the last 30 days for tenant A (and 5% as many for tenant B, so scoping is real), rows
    // [first, last] of `rows`, on connection `c`
    const seedPart = (c: Client, tenant: string, rows: number, first: number, last: number) =>
      c.query(
        `WITH acc AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts WHERE tenant_id = $1),
              dev AS (SELECT array_agg(id ORDER BY id) AS ids FROM devices WHERE tenant_id = $1)
         INSERT INTO assessments (id, tenant_id, idempotency_key, account_id, device_id, event, status,
           decision, policy_decision,
                                  score, scores, reasons, device_status, ip, country, asn, user_agent, created_at)
         SELECT gen_random_uuid(), $1, 'bench-' || g, acc.ids[(1 + (g::bigint * 7919) % array_length(acc.ids, 1))::int],
                dev.ids[(1 + (g::bigint * 104729) % array_length(dev.ids, 1))::int], 'login',
                CASE WHEN r < 0.08 THEN 'failed' ELSE 'succeeded' END,
                CASE WHEN r < 0.02 THEN 'deny' WHEN r < 0.12 THEN 'challenge' ELSE 'allow' END,
                CASE WHEN r < 0.02 THEN 'deny' WHEN r < 0.12 THEN 'challenge' ELSE 'allow' END,
                CASE WHEN r < 0.02 THEN 85 + (g % 15) WHEN r < 0.12 THEN 40 + (g % 40) ELSE g % 40 END,
                '{"takeover":0.1,"bot":0.05,"typing":0.2,"pointer":null}'::jsonb,
                CASE WHEN r < 0.003 THEN '[{"code":"DENYLISTED","detail":"ip"}]'::jsonb
                     WHEN r < 0.02 THEN
                       '[{"code":"CREDENTIAL_STUFFING","detail":"x"},{"code":"BRUTE_FORCE","detail":"x"}]'::jsonb
                     WHEN r < 0.07 THEN
                       '[{"code":"NEW_DEVICE","detail":"x"},{"code":"TYPING_MISMATCH","detail":"x"}]'::jsonb
                     WHEN r < 0.12 THEN
                       '[{"code":"NEW_COUNTRY","detail":"x"},{"code":"DATACENTER_IP","detail":"x"}]'::jsonb
                     ELSE '[{"code":"KNOWN_DEVICE","detail":"x"}]'::jsonb END,
                'trusted',
                ('10.' || (g % 200) || '.' || ((g / 200) % 250) || '.' || (g % 97))::inet,
                (ARRAY['JP','JP','JP','JP','US','KR','CN','DE'])[1 + g % 8], 2500 + g % 300, 'Mozilla/5.0',
                date_trunc('milliseconds', now() - (g::double precision / $2) * interval '30 days')
           FROM generate_series($3::int, $4::int) g, acc, dev, LATERAL (SELECT ((g * 2654435761::bigint) %
             1000000)::double precision / 1000000 AS r) x`,
        [tenant, rows, first, last],
      );
    // The load's fast path (a seed, not the product's write path): the assessments' partitions unlogged (no WAL;
    // reads are the same), their indexes and primary key dropped and built once after the load instead of
    // maintained row by row, and no foreign-key trigger per row (session_replication_role: the keys are the
    // tenant's own accounts and devices by construction). Two connections share the generate_series: two cores.
    const loaders = [
      new Client({ connectionString: stack.env.DATABASE_URL }),
      new Client({ connectionString: stack.env.DATABASE_URL }),
    ];
    for (const c of loaders) {
      await c.connect();
      await c.query(`SET synchronous_commit = off`);
      await c.query(`SET session_replication_role = replica`);
      await c.query(`SET maintenance_work_mem = '256MB'`);
    }
    // pg_get_indexdef names a partitioned table's index ON ONLY the parent: without ONLY it is built on each partition
    const indexes = await env.sql<{ name: string; def: string }>(
      `SELECT i.relname AS name, replace(pg_get_indexdef(i.oid), ' ON ONLY ', ' ON ') AS def
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = 'assessments'::regclass AND NOT x.indisprimary`,
    );
    const [pk] = await env.sql<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = 'assessments'::regclass AND contype = 'p'`,
    );
    for (const i of indexes) await env.sql(`DROP INDEX ${i.name}`);
    await env.sql(`ALTER TABLE assessments DROP CONSTRAINT ${pk.name}`);
    const partitions = await env.sql<{ name: string }>(
      `SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'assessments'::regclass`,
    );
    for (const part of partitions) await env.sql(`ALTER TABLE ${part.name} SET UNLOGGED`);
    const seed = async (tenant: string, rows: number) => {
      const half = Math.floor(rows / 2);
      await Promise.all([
        seedPart(loaders[0], tenant, rows, 1, half),
        seedPart(loaders[1], tenant, rows, half + 1, rows),
      ]);
    };
    // tenant B's rows reference its own accounts and devices (the keys hold the tenant id)
    await env.sql(
      `INSERT INTO accounts (tenant_id, user_hash, login_count) SELECT $1, md5('b-user' || g), 20
        FROM generate_series(1, 2500) g`,
      [other.tenantId],
    );
    await env.sql(
      `INSERT INTO devices (tenant_id, visitor_id) SELECT $1, 'b-visitor-' || g FROM generate_series(1, 1000) g`,
      [other.tenantId],
    );
    await seed(a.tenantId, ROWS);
    await seed(other.tenantId, Math.round(ROWS / 20));
    const loadedS = (performance.now() - t) / 1000;
    // the primary key, then the other indexes two at a time (each build may use parallel workers too)
    await loaders[0].query(`ALTER TABLE assessments ADD CONSTRAINT ${pk.name} ${pk.def}`);
    const queue = [...indexes];
    await Promise.all(
      loaders.map(async (c) => {
        for (let i = queue.shift(); i; i = queue.shift()) await c.query(i.def);
      }),
    );
    for (const c of loaders) await c.end();
    // every partition has the parent's indexes again (a missing one turns the list queries into scans)
    const [{ short }] = await env.sql<{ short: number }>(
      `SELECT count(*)::int AS short FROM pg_inherits p
        WHERE p.inhparent = 'assessments'::regclass
          AND (SELECT count(*) FROM pg_index x WHERE x.indrelid = p.inhrelid) < $1`,
      [indexes.length + 1],
    );
    if (short) throw new Error(`${short} assessments partitions lack indexes after the load`);
    const indexedS = (performance.now() - t) / 1000 - loadedS;
    await env.sql(`VACUUM ANALYZE assessments`);
    await env.sql(`VACUUM ANALYZE accounts`);
    const seedS = (performance.now() - t) / 1000;
    // the console roll-up's backfill (what the worker's roll-up job does for a deployment's history): a day of
    // closed hours per statement, every tenant
    t = performance.now();
    const rollUp = async (): Promise<number> => {
      let hours = 0;
      const pending = await env.sql<{ tenant_id: string; from_hour: Date; to_hour: Date }>(
        `SELECT * FROM kizuki_console_rollup_pending(now(), interval '2 minutes')`,
      );
      for (const p of pending) {
        for (let h = p.from_hour.getTime(); h < p.to_hour.getTime(); h += 24 * 3600_000) {
          const end = new Date(Math.min(h + 24 * 3600_000, p.to_hour.getTime()));
          const [r] = await env.sql<{ n: number }>(`SELECT kizuki_console_rollup($1, $2, $3) AS n`, [
            p.tenant_id,
            new Date(h),
            end,
          ]);
          hours += r.n;
        }
      }
      return hours;
    };
    const rolledHours = await rollUp();
    await env.sql(`VACUUM ANALYZE console_hours`);
    await env.sql(`VACUUM ANALYZE console_bursts`);
    await env.sql(`VACUUM ANALYZE console_days`);
    const rollupS = (performance.now() - t) / 1000;
    const [{ kind }] = await env.sql<{ kind: string }>(`SELECT kizuki_console_sketch_kind() AS kind`);

    const login = await fetch(`${env.baseUrl}/admin/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const get = async (path: string): Promise<{ ms: number; body: any }> => {
      const started = performance.now();
      const r = await fetch(env.baseUrl + path, { headers: { cookie } });
      const body = await r.json();
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };

    const [deep] = await env.sql<{ at: string; id: string }>(
      `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id
        FROM assessments WHERE tenant_id = $1
        ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
      [a.tenantId, Math.floor(ROWS * 0.9)],
    );
    const ids = (
      await env.sql<{ id: string }>(`SELECT id FROM assessments WHERE tenant_id = $1 ORDER BY random() LIMIT $2`, [
        a.tenantId,
        N,
      ])
    ).map((r) => r.id);
    const [someIp] = await env.sql<{ ip: string }>(
      `SELECT host(ip) AS ip FROM assessments WHERE tenant_id = $1 LIMIT 1`,
      [a.tenantId],
    );
    const week = new Date(Date.now() - 14 * 86400_000).toISOString();
    const weekEnd = new Date(Date.now() - 7 * 86400_000).toISOString();

    const cases: [string, (i: number) => string][] = [
      ['list: first page (50)', () => '/admin/api/logins'],
      ['list: decision=deny', () => '/admin/api/logins?decision=deny'],
      ['list: reason=DENYLISTED (0.3%)', () => '/admin/api/logins?reason=DENYLISTED'],
      ['list: country=DE', () => '/admin/api/logins?country=DE'],
      ['list: user (raw id → pseudonym)', (i) => `/admin/api/logins?user=${encodeURIComponent(`user-${i}`)}`],
      [
        'list: user by display label (e-mail)',
        (i) => `/admin/api/logins?user=${encodeURIComponent(`user-${i}@example.jp`)}`,
      ],
      ['review queue: first page (100)', () => '/admin/api/logins?review=1&limit=100'],
      ['review queue: assigned to me', () => '/admin/api/logins?review=1&assignee=me&limit=100'],
      ['list: exact IP', () => `/admin/api/logins?ip=${someIp.ip}`],
      ['list: time range (a week, 2 weeks ago)', () => `/admin/api/logins?from=${week}&to=${weekEnd}`],
      ['list: deny + time range', () => `/admin/api/logins?decision=deny&from=${week}&to=${weekEnd}`],
      [
        `list: deep keyset page (row ${Math.floor(ROWS * 0.9).toLocaleString()})`,
        () => `/admin/api/logins?cursor=${encodeCursor(deep.at, deep.id)}`,
      ],
      ['list: 2nd page via nextCursor', () => ''],
      ['detail: /logins/:id', (i) => `/admin/api/logins/${ids[i % ids.length]}`],
      ['account: /accounts/:id', (i) => `/admin/api/accounts/${firstAccounts[i % firstAccounts.length].id}`],
    ];
    const first = await get('/admin/api/logins');
    const results: Record<string, string>[] = [];
    for (const [name, path] of cases) {
      const p = name.startsWith('list: 2nd') ? () => `/admin/api/logins?cursor=${first.body.nextCursor}` : path;
      for (let i = 0; i < 3; i++) await get(p(i)); // warm-up
      const ms: number[] = [];
      let items = 0;
      for (let i = 0; i < N; i++) {
        const r = await get(p(i));
        ms.push(r.ms);
        items = r.body.items ? r.body.items.length : 1;
      }
      results.push({
        query: name,
        p50: pct(ms, 50).toFixed(1),
        p95: pct(ms, 95).toFixed(1),
        max: Math.max(...ms).toFixed(1),
        rows: String(items),
      });
    }
    // the aggregate screens: 20 requests each (after 2 warm-up), beside the first page's median (the floor)
    const floor = Number(results[0].p50);
    // the worker's roll-up job runs every minute: the minutes since the backfill, as it would have
    await rollUp();
    // the IP summary snapshots (the worker's IpSummaryJob, as it builds them: up to the minute two minutes ago, with
    // its work_mem), every range of every tenant, timed per range for tenant A
    await env.sql(`SET work_mem = '64MB'`);
    const ipBuildMs: Record<string, string> = {};
    for (const tenant of [a.tenantId, other.tenantId]) {
      for (const range of ['24h', '7d', '30d']) {
        const started = performance.now();
        await env.sql(
          `SELECT kizuki_ip_summary_build($1, $2, date_trunc('minute', now() - interval '2 minutes'), 500)`,
          [tenant, range],
        );
        if (tenant === a.tenantId) ipBuildMs[range] = ((performance.now() - started) / 1000).toFixed(1);
      }
    }
    for (const r of results) r['× first page p50'] = (Number(r.p95) / floor).toFixed(1);
    t = performance.now();
    const screens: Record<string, string>[] = [];
    for (const [name, path] of [
      ['dashboard 24h (with review count)', '/admin/api/dashboard?range=24h'],
      ['dashboard 7d', '/admin/api/dashboard?range=7d'],
      ['dashboard 30d', '/admin/api/dashboard?range=30d'],
      ['IP summary 24h', '/admin/api/ips?range=24h'],
      ['IP summary 7d', '/admin/api/ips?range=7d'],
      ['IP summary 30d', '/admin/api/ips?range=30d'],
      ['IP summary 7d by last seen', '/admin/api/ips?range=7d&sort=last'],
      ['lists', '/admin/api/lists'],
      ['policy', '/admin/api/policy'],
      ['settings', '/admin/api/settings'],
    ]) {
      const ms: number[] = [];
      let failed = '';
      for (let i = 0; i < 22 && !failed; i++) {
        const started = performance.now();
        const took = await get(path).then(
          (r) => r.ms,
          (e: Error) => {
            failed = `${e.message.replace(/^.*?: /, '').slice(0, 60)} after ${(performance.now() - started).toFixed(0)} ms`;
            return NaN;
          },
        );
        if (i >= 2) ms.push(took);
      }
      screens.push(
        failed
          ? { screen: name, p50: '—', p95: '—', max: '—', '× first page p50': '—', error: failed }
          : {
              screen: name,
              p50: pct(ms, 50).toFixed(0),
              p95: pct(ms, 95).toFixed(0),
              max: Math.max(...ms).toFixed(0),
              '× first page p50': (pct(ms, 95) / floor).toFixed(1),
              error: '',
            },
      );
    }
    console.log(
      `seeded ${ROWS.toLocaleString()} + ${Math.round(ROWS / 20).toLocaleString()} assessments in ` +
        `${seedS.toFixed(1)} s (load ${loadedS.toFixed(1)} s, indexes ${indexedS.toFixed(1)} s); ` +
        `roll-up backfill ${rolledHours} hours in ${rollupS.toFixed(1)} s ` +
        `(sketches: ${kind}); IP summary snapshots of tenant A built in ${Object.entries(ipBuildMs)
          .map(([r, sec]) => `${r} ${sec} s`)
          .join(', ')}; ` +
        `${N} requests per query (after 3 warm-up); load average ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
    );
    console.table(results);
    console.log(`aggregate screens, 20 requests each [${((performance.now() - t) / 1000).toFixed(1)} s]:`);
    console.table(screens);
  } finally {
    await pg.end();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
