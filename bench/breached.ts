// The breached-password corpus at scale: `kizuki breached import` of a generated N-line Pwned
// Passwords file (default 10 million), sorted by hash as the published file is, then the same lines
// in random order (the slow path: grouped in PostgreSQL), then range lookups through the real api.
//   npx tsx bench/breached.ts [--lines 10000000] [--lookups 2000]
// Floors measured in the same run: the import against a bare COPY of the same file into a
// one-column table (PostgreSQL's ingest alone); a range lookup against GET /v1/identity/document-key
// (the same key check and rate limit, no database read).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BreachedImport } from '../apps/cli/src/commands/breached';
import { corpusPassword, sha1Upper, writeBreachedCorpus } from '../fixtures/breached-corpus';
import { percentile, ROOT, startStack, type Stack } from './lib/stack';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};

async function bareCopy(url: string, file: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE TEMP TABLE floor_lines (line text)`);
    const t = performance.now();
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      c.query(copyFrom(`COPY floor_lines FROM STDIN`)),
    );
    return performance.now() - t;
  } finally {
    await c.end();
  }
}

/** The operator's command itself, on the production build. */
function cliImport(stack: Stack, file: string): BreachedImport {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/main.js'), 'breached', 'import', file], {
    env: stack.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as BreachedImport;
}

async function timed(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const lines = arg('lines', 10_000_000);
  const lookups = arg('lookups', 2000);
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-breached-bench-'));
  let stack: Stack | null = null;
  try {
    const file = join(dir, 'corpus.txt');
    const t = performance.now();
    await writeBreachedCorpus(file, lines);
    const mb = statSync(file).size / 1e6;
    const genS = ((performance.now() - t) / 1000).toFixed(1);
    console.error(`[bench] generated ${lines.toLocaleString()} lines (${mb.toFixed(0)} MB) in ${genS} s`);
    const sortedFile = join(dir, 'corpus-sorted.txt');
    const sort = spawnSync('sort', ['-S', '1G', '-o', sortedFile, file], { env: { ...process.env, LC_ALL: 'C' } });
    if (sort.status !== 0) throw new Error(`sort: ${sort.stderr}`);
    // rate limits off (the stack's default): the bench measures lookups, not the limiter's 429s
    stack = await startStack({ workers: 0 });
    const { tenant, baseUrl } = stack;
    const url = stack.env.DATABASE_URL;

    const floorMs = await bareCopy(url, sortedFile);
    const first = cliImport(stack, sortedFile);
    const again = cliImport(stack, sortedFile);
    const unsorted = cliImport(stack, file);
    if (!first.sorted || unsorted.sorted || unsorted.hashes !== first.hashes) throw new Error('unexpected import');
    const c = new Client({ connectionString: url });
    await c.connect();
    const size = (
      await c.query<{ mb: number }>(`SELECT round(pg_total_relation_size('breached_password_ranges') / 1e6)::int AS mb`)
    ).rows[0];
    await c.end();

    const auth = { authorization: `Bearer ${tenant.secretKey}` };
    const get = async (path: string) => {
      const res = await fetch(baseUrl + path, { headers: auth });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.text();
    };
    // warm-up, and a check that a known password is found
    const hash = sha1Upper(corpusPassword(123));
    if (!(await get(`/v1/breached-passwords/range/${hash.slice(0, 5)}`)).includes(hash.slice(5)))
      throw new Error('a corpus password was not found');
    for (let i = 0; i < 200; i++) await get(`/v1/identity/document-key`);
    const answerBytes = (await get(`/v1/breached-passwords/range/00000`)).length;
    // alternate: same host moment for both
    const floor: number[] = [];
    const range: number[] = [];
    for (let i = 0; i < lookups; i++) {
      floor.push(...(await timed(1, () => get(`/v1/identity/document-key`).then(() => undefined))));
      const prefix = randomBytes(3).toString('hex').slice(0, 5).toUpperCase();
      range.push(...(await timed(1, () => get(`/v1/breached-passwords/range/${prefix}`).then(() => undefined))));
    }
    floor.sort((a, b) => a - b);
    range.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => percentile(xs, q);
    const result = {
      lines,
      fileMB: Math.round(mb),
      import: {
        firstS: first.ms / 1000,
        firstCopyS: first.copyMs / 1000,
        againS: again.ms / 1000,
        unsortedS: unsorted.ms / 1000,
        unsortedCopyS: unsorted.copyMs / 1000,
        floorCopyS: floorMs / 1000,
        ratio: first.ms / floorMs,
        linesPerS: Math.round(lines / (first.ms / 1000)),
        ranges: first.ranges,
        maxRange: first.maxRange,
        tableMB: size.mb,
      },
      lookup: {
        answerBytes,
        p50: p(range, 50),
        p95: p(range, 95),
        p99: p(range, 99),
        floorP50: p(floor, 50),
        floorP95: p(floor, 95),
        ratioP50: p(range, 50) / p(floor, 50),
      },
    };
    const f = (x: number, d = 2) => x.toFixed(d);
    console.log(`import of ${lines.toLocaleString()} lines (${result.fileMB} MB):`);
    console.log(`| step | s |`);
    console.log(`| bare COPY of the file (floor) | ${f(result.import.floorCopyS, 1)} |`);
    console.log(
      `| kizuki breached import | ${f(result.import.firstS, 1)} (${f(result.import.ratio, 1)}× the floor; ` +
        `${result.import.linesPerS.toLocaleString()} lines/s) |`,
    );
    console.log(`| of which reading, parsing and COPY | ${f(result.import.firstCopyS, 1)} |`);
    console.log(`| the same file again | ${f(result.import.againS, 1)} |`);
    console.log(
      `| the same lines in random order (grouped in PostgreSQL) | ${f(result.import.unsortedS, 1)} ` +
        `(${f(result.import.unsortedS / result.import.floorCopyS, 1)}×; COPY ${f(result.import.unsortedCopyS, 1)}) |`,
    );
    console.log(
      `ranges ${result.import.ranges.toLocaleString()}, largest ${result.import.maxRange}, ` +
        `table ${result.import.tableMB} MB, answer ${answerBytes} bytes`,
    );
    console.log(`range lookups over HTTP (${lookups}, random prefixes, alternating with the floor):`);
    console.log(`| route | p50 ms | p95 ms | p99 ms |`);
    console.log(
      `| GET /v1/identity/document-key (floor) | ${f(p(floor, 50))} | ${f(p(floor, 95))} | ${f(p(floor, 99))} |`,
    );
    console.log(
      `| GET /v1/breached-passwords/range/{prefix} | ${f(p(range, 50))} (${f(result.lookup.ratioP50)}×) | ` +
        `${f(p(range, 95))} | ${f(p(range, 99))} |`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await stack?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
