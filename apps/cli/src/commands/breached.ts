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
 * bare HASH counts 1) into COPY text rows "prefix<TAB>suffix<TAB>count". Blank lines and # comments
 * are skipped; anything else stops the import with its line number (nothing has changed then).
 */
export class BreachedLineParser extends Transform {
  private rest = '';
  private lineNo = 0;
  hashes = 0;

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
      done(null, this.rest ? this.rows([this.rest]) : undefined);
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
      const hash = m[1].toUpperCase();
      const count = Math.min(MAX_BREACH_COUNT, m[2] === undefined ? 1 : Number(m[2]));
      out += `${parseInt(hash.slice(0, 5), 16)}\t${hash.slice(5)}\t${count}\n`;
      this.hashes++;
    }
    return out;
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
    // The grouping sorts the whole file once: give it memory, and no statement timeout.
    await c.query(`SET work_mem = '256MB'; SET statement_timeout = 0; SET synchronous_commit = off`);
    await c.query(`CREATE TEMP TABLE breached_import (prefix integer, suffix text, n bigint)`);
    const parser = new BreachedLineParser();
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      parser,
      c.query(copyFrom(`COPY breached_import FROM STDIN`)),
    );
    if (!parser.hashes) throw new Error(`${file}: no HASH:COUNT lines found`);
    await c.query(`DROP TABLE IF EXISTS breached_password_ranges_next`);
    await c.query(`CREATE TABLE breached_password_ranges_next (LIKE breached_password_ranges INCLUDING ALL)`);
    await c.query(`
      DO $$ BEGIN
        ALTER TABLE breached_password_ranges_next ALTER COLUMN body SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported THEN NULL;
      END $$`);
    await c.query(`
      INSERT INTO breached_password_ranges_next (prefix, entries, body)
      SELECT prefix, count(*), string_agg(suffix || ':' || n, E'\\n' ORDER BY suffix)
        FROM (SELECT prefix, suffix, max(n) AS n FROM breached_import GROUP BY prefix, suffix) d
       GROUP BY prefix`);
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
      lines: parser.hashes,
      ms: Date.now() - started,
    };
  } finally {
    await c.query(`DROP TABLE IF EXISTS breached_password_ranges_next`).catch(() => undefined);
    await c.end();
  }
}
