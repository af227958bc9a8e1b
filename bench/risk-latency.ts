// Latency of one /v1/risk call on this machine: a production build of api + worker as two
// processes, real PostgreSQL and Redis; 100 sequential logins (collect, then risk with the token)
// over 20 accounts, after a warm-up. Prints median / p95 / p99 / max of the risk call alone.
//   npx tsx bench/risk-latency.ts [--n 100]
import { makeBundle } from '../fixtures/factories';
import { percentile, startStack } from './lib/stack';

async function main(): Promise<void> {
  const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 100;
  const stack = await startStack();
  try {
    const login = async (i: number): Promise<{ ms: number; degraded: boolean }> => {
      const c = await fetch(`${stack.baseUrl}/v1/collect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-kizuki-key': stack.tenant.publishableKey,
          origin: stack.tenant.origin,
        },
        body: JSON.stringify(makeBundle({ seed: i + 1, visitorId: `bench-visitor-${i % 20}` })),
      }).then((r) => r.json() as Promise<{ requestToken: string }>);
      const started = performance.now();
      const r = await fetch(`${stack.baseUrl}/v1/risk`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.tenant.secretKey}` },
        body: JSON.stringify({
          requestToken: c.requestToken,
          event: 'login',
          status: 'succeeded',
          user: { id: `user-${i % 20}@example.com` },
          context: { ip: `203.0.113.${i % 20}`, userAgent: 'Mozilla/5.0', acceptLanguage: 'ja-JP,ja;q=0.9' },
        }),
      });
      const body = (await r.json()) as { degraded: boolean };
      return { ms: performance.now() - started, degraded: body.degraded };
    };
    for (let i = 0; i < 20; i++) await login(1000 + i); // warm-up: JIT, pools, enrolment
    const results: { ms: number; degraded: boolean }[] = [];
    for (let i = 0; i < n; i++) results.push(await login(i));
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const f = (x: number) => x.toFixed(1);
    console.log(
      JSON.stringify({
        bench: 'risk-latency',
        calls: n,
        medianMs: +f(percentile(ms, 50)),
        p95Ms: +f(percentile(ms, 95)),
        p99Ms: +f(percentile(ms, 99)),
        maxMs: +f(ms[ms.length - 1]),
        degraded: results.filter((r) => r.degraded).length,
      }),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
