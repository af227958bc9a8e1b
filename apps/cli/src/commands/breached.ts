import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Counts are written zero-padded to this width in range answers (constant-size lines): clamp above. */
export const MAX_BREACH_COUNT = 9_999_999_999;

const LINE = /^([0-9A-Fa-f]{40})(?::(\d{1,12}))?\s*$/;

/**
 * Turns a Pwned Passwords file ("HASH:COUNT" lines, SHA-1 upper- or lower-case, CRLF or LF; a
 * bare HASH counts 1) into COPY text rows "prefix<TAB>entries<TAB>body", one per run of lines that
 * share a 5-hex prefix, the body being the run's "SUFFIX:COUNT" lines sorted by suffix (a duplicate
 * keeps its largest count). The published file is sorted by hash, so each prefix is one run and
 * the rows are the corpus itself; `sorted` says whether that held. Blank lines and # comments are
 * skipped; anything else stops the import with its line number (nothing has changed then).
 */
export class BreachedLineParser extends Transform {
  private rest = '';
  private lineNo = 0;
  private runPrefix = -1;
  private run = new Map<string, number>();
  private readonly seen = new Uint8Array(1 << 20);
  /** lines read */
  lines = 0;
  /** every prefix came in one run */
  sorted = true;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + chunk.toString('latin1');
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    try {
      done(null, this.rows(lines));
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, (this.rest ? this.rows([this.rest]) : '') + this.endRun());
    } catch (e) {
      done(e as Error);
    }
  }

  private rows(lines: string[]): string {
    let out = '';
    for (const raw of lines) {
      this.lineNo++;
      const line = this.lineNo === 1 ? raw.replace(/^\uFEFF|^\xEF\xBB\xBF/, '') : raw;
      const m = LINE.exec(line);
      if (!m) {
        const t = line.trim();
        if (!t || t.startsWith('#')) continue;
        throw new Error(`line ${this.lineNo}: not a SHA-1 HASH:COUNT line`);
      }
      const prefix = parseInt(m[1].slice(0, 5), 16);
      if (prefix !== this.runPrefix) {
        out += this.endRun();
        if (this.seen[prefix]) this.sorted = false;
        this.seen[prefix] = 1;
        this.runPrefix = prefix;
      }
      const suffix = m[1].slice(5).toUpperCase();
      const count = Math.min(MAX_BREACH_COUNT, m[2] === undefined ? 1 : Number(m[2]));
      const before = this.run.get(suffix);
      if (before === undefined || count > before) this.run.set(suffix, count);
      this.lines++;
    }
    return out;
  }

  private endRun(): string {
    if (this.runPrefix < 0 || !this.run.size) return '';
    const suffixes = [...this.run.keys()].sort();
    // COPY text format: the body's newlines written as \n escapes
    const body = suffixes.map((x) => `${x}:${this.run.get(x)}`).join('\\n');
    const row = `${this.runPrefix}\t${suffixes.length}\t${body}\n`;
    this.run = new Map();
    return row;
  }
}

export interface BreachedImport {
  /** distinct hashes in the corpus */
  hashes: number;
  /** prefixes with at least one hash (of 1,048,576) */
  ranges: number;
  /** hashes in the largest range: every answer is padded to at least this */
  maxRange: number;
  /** lines read (duplicates of a hash count once, with their largest count) */
  lines: number;
  /** the file was sorted by hash (as published): its runs were the ranges, no grouping in PostgreSQL */
  sorted: boolean;
  /** reading, parsing and COPY of the file, of ms */
  copyMs: number;
  ms: number;
}

/**
 * Replaces the breached-password corpus with the file's hashes: streamed into a temporary table
 * by COPY, grouped by 5-hex prefix into a new table, swapped in at the end in one short
 * transaction (range lookups keep reading the old corpus until then, and a failed import changes
 * nothing). The same file imported twice gives the same corpus.
 */
export async function importBreached(databaseUrl: string, file: string): Promise<BreachedImport> {
  const started = Date.now();
  const c = new Client({ connectionString: databaseUrl, application_name: 'kizuki-cli-breached' });
  await c.connect();
  try {
    // A file not sorted by hash is grouped in PostgreSQL: give it memory, and no statement timeout.
    await c.query(`SET work_mem = '256MB'; SET statement_timeout = 0; SET synchronous_commit = off`);
    await c.query(`CREATE TEMP TABLE breached_import (prefix integer, entries integer, body text)`);
    const parser = new BreachedLineParser();
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      parser,
      c.query(copyFrom(`COPY breached_import FROM STDIN`)),
    );
    const copiedMs = Date.now() - started;
    if (!parser.lines) throw new Error(`${file}: no HASH:COUNT lines found`);
    await c.query(`DROP TABLE IF EXISTS breached_password_ranges_next`);
    await c.query(`CREATE TABLE breached_password_ranges_next (LIKE breached_password_ranges INCLUDING ALL)`);
    // the full corpus's ranges (~30 KB) are compressed: lz4 reads them back faster than pglz
    await c.query(`
      DO $$ BEGIN
        ALTER TABLE breached_password_ranges_next ALTER COLUMN body SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN NULL;
      END $$`);
    if (parser.sorted) {
      // one run per prefix: the rows are the ranges
      await c.query(`INSERT INTO breached_password_ranges_next SELECT prefix, entries, body FROM breached_import`);
    } else {
      // a prefix in several runs (a file not sorted by hash): merge its runs' lines, sorted, one per suffix
      // (in random order almost every run is one line: those need no splitting)
      await c.query(`
        INSERT INTO breached_password_ranges_next (prefix, entries, body)
        SELECT prefix, count(*), string_agg(suffix || ':' || n, E'\\n' ORDER BY suffix)
          FROM (SELECT prefix, split_part(line, ':', 1) AS suffix, max(split_part(line, ':', 2)::bigint) AS n
                  FROM (SELECT prefix, body AS line FROM breached_import WHERE entries = 1
                        UNION ALL
                        SELECT prefix, unnest(string_to_array(body, E'\\n')) FROM breached_import WHERE entries > 1) l
                 GROUP BY prefix, suffix) d
         GROUP BY prefix`);
    }
    const [stats] = (
      await c.query<{ hashes: string; ranges: number; max: number }>(
        `SELECT coalesce(sum(entries), 0) AS hashes, count(*)::int AS ranges, coalesce(max(entries), 0) AS max
           FROM breached_password_ranges_next`,
      )
    ).rows;
    await c.query('BEGIN');
    try {
      await c.query(`LOCK TABLE breached_password_ranges IN ACCESS EXCLUSIVE MODE`);
      await c.query(`DROP TABLE breached_password_ranges`);
      await c.query(`ALTER TABLE breached_password_ranges_next RENAME TO breached_password_ranges`);
      await c.query(`ALTER INDEX breached_password_ranges_next_pkey RENAME TO breached_password_ranges_pkey`);
      await c.query(`REVOKE ALL ON breached_password_ranges FROM kizuki_app`);
      await c.query(`GRANT SELECT ON breached_password_ranges TO kizuki_app`);
      await c.query(
        `INSERT INTO breached_password_corpus (id, hashes, ranges, max_range, source, imported_at)
         VALUES (true, $1, $2, $3, $4, now())
         ON CONFLICT (id) DO UPDATE SET hashes = EXCLUDED.hashes, ranges = EXCLUDED.ranges,
           max_range = EXCLUDED.max_range, source = EXCLUDED.source, imported_at = EXCLUDED.imported_at`,
        [stats.hashes, stats.ranges, stats.max, file.split('/').pop()?.slice(0, 200) ?? file],
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
    return {
      hashes: Number(stats.hashes),
      ranges: stats.ranges,
      maxRange: stats.max,
      lines: parser.lines,
      sorted: parser.sorted,
      copyMs: copiedMs,
      ms: Date.now() - started,
    };
  } finally {
    await c.query(`DROP TABLE IF EXISTS breached_password_ranges_next`).catch(() => undefined);
    await c.end();
  }
}
