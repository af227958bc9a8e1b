// Fuzzes every public endpoint (and the console's list reads) of a production build
// (bench/lib/stack.ts: separate api and worker processes) with fast-check: --n cases per endpoint
// (default 10,000), 8 in flight. Prints, per endpoint, the cases sent and the status histogram, and
// fails on any 5xx, dropped connection or api crash.   npx tsx bench/fuzz.ts [--n 10000] [--seed 42]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENDPOINTS, runFuzz, sampleRequests } from './lib/fuzz-cases';
import { ROOT, startStack } from './lib/stack';

async function main(): Promise<void> {
  const arg = (name: string) =>
    process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
  const n = arg('--n') ?? 10_000;
  const seed = arg('--seed') ?? Date.now() % 1e9;
  const stack = await startStack();
  let failed = false;
  try {
    // a console session for the console's list reads (cursors, ?ip=)
    const password = 'fuzz console password';
    const made = spawnSync(
      process.execPath,
      [
        join(ROOT, 'dist/apps/cli/main.js'),
        'admins',
        'create',
        '--tenant',
        stack.tenant.tenantId,
        '--email',
        'fuzz@example.jp',
        '--role',
        'admin',
      ],
      { env: stack.env, input: password, encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(made.stderr);
    const signIn = await fetch(`${stack.baseUrl}/admin/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fuzz@example.jp', password }),
    });
    if (!signIn.ok) throw new Error(`console sign-in: ${signIn.status}`);
    const adminCookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    const keys = { ...stack.tenant, adminCookie };
    const rows: Record<string, unknown>[] = [];
    for (const endpoint of ENDPOINTS) {
      const started = Date.now();
      const tally = await runFuzz(stack.baseUrl, sampleRequests(endpoint, keys, n, seed), 8);
      const alive = stack.processes.every((p) => p.exitCode === null);
      rows.push({
        endpoint,
        cases: n,
        sent: tally.sent,
        skippedByClient: tally.clientSkipped,
        serverErrors: tally.serverErrors.length,
        processesAlive: alive,
        statuses: tally.statuses,
        seconds: Math.round((Date.now() - started) / 1000),
      });
      console.log(JSON.stringify(rows[rows.length - 1]));
      for (const e of tally.serverErrors.slice(0, 5)) console.log(`  ${e}`);
      if (tally.serverErrors.length || !alive) failed = true;
    }
    const ready = await fetch(`${stack.baseUrl}/health/ready`).then((r) => r.status);
    const total = rows.reduce((s, r) => s + (r.sent as number), 0);
    console.log(
      JSON.stringify({
        bench: 'fuzz',
        seed,
        perEndpoint: n,
        totalSent: total,
        fiveXx: rows.reduce((s, r) => s + (r.serverErrors as number), 0),
        readyAfter: ready,
      }),
    );
    if (ready !== 200) failed = true;
  } finally {
    await stack.stop();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
