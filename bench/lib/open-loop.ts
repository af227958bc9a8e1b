// The open-loop load generator of the benchmarks: requests leave at a fixed arrival rate whatever
// the server does, and each latency is measured from the request's *scheduled* time, so a slow
// server cannot hide its queueing (no coordinated omission).
import { Agent, request } from 'node:http';
import { RawHttpPool } from './raw-http';
import { percentile } from './stack';

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
/**
 * `KIZUKI_BENCH_CLIENT=raw`: the lean client of raw-http.ts instead of node:http's (the default,
 * which every table in docs/benchmarks.md before session 5's collect runs used).
 */
const NODE_CLIENT = process.env.KIZUKI_BENCH_CLIENT !== 'raw';
const pools = new Map<string, RawHttpPool>();

export interface Answer {
  status: number;
  ms: number;
  body: string;
}

export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  scheduled: number,
  timeoutMs = 5000,
): Promise<Answer> {
  if (!NODE_CLIENT) {
    const at = url.indexOf('/', url.indexOf('//') + 2); // http://host:port/path: the benches' URLs always name a port
    const origin = url.slice(0, at);
    let pool = pools.get(origin);
    if (!pool) {
      const u = new URL(origin);
      pools.set(origin, (pool = new RawHttpPool(u.hostname, Number(u.port || 80))));
    }
    return pool
      .post(url.slice(at), headers, body, timeoutMs)
      .then((a) => ({ ...a, ms: performance.now() - scheduled }));
  }
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - scheduled,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - scheduled, body: '' }));
    req.end(body);
  });
}

/** Fires `count` requests at `rate` per second on schedule; `make(i)` builds the i-th request. */
export async function openLoop(
  rate: number,
  count: number,
  make: (i: number, scheduled: number) => Promise<Answer>,
): Promise<Answer[]> {
  const start = performance.now() + 50;
  const pending: Promise<Answer>[] = [];
  let next = 0;
  while (next < count) {
    const now = performance.now();
    while (next < count && start + (next * 1000) / rate <= now) {
      pending.push(make(next, start + (next * 1000) / rate));
      next++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  return Promise.all(pending);
}

export function summarise(name: string, rate: number, seconds: number, answers: Answer[]) {
  const ok = answers.filter((a) => a.status >= 200 && a.status < 300);
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const degraded = ok.filter((a) => a.body.includes('"degraded":true')).length;
  return {
    step: name,
    rate,
    seconds,
    sent: answers.length,
    ok: ok.length,
    errors: answers.length - ok.length,
    degraded,
    p50: +percentile(ms, 50).toFixed(1),
    p95: +percentile(ms, 95).toFixed(1),
    p99: +percentile(ms, 99).toFixed(1),
    max: +(ms[ms.length - 1] ?? NaN).toFixed(1),
  };
}

/** Runs `count` requests with at most `concurrency` in flight (for setup, not measured). */
export async function pool<T>(count: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}
