import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface BreachedRange {
  /** 'SUFFIX:COUNT' lines joined by \n ('' for a prefix the corpus does not have) */
  body: string;
  /** the corpus's largest range (the padding target), or null when no corpus was imported */
  maxRange: number | null;
}

/**
 * The breached-password corpus (`kizuki breached import`): reference data shared by all tenants,
 * like the Tor exit list, so read without a tenant scope. One row per 5-hex prefix: a lookup is one
 * primary-key read.
 */
@Injectable()
export class BreachedPasswordRepository {
  constructor(private readonly db: DataSource) {}

  async range(prefix: number): Promise<BreachedRange> {
    const [row] = await this.db.query(
      `SELECT c.max_range AS "maxRange", coalesce(r.body, '') AS body
         FROM breached_password_corpus c LEFT JOIN breached_password_ranges r ON r.prefix = $1`,
      [prefix],
    );
    return row ? { body: row.body, maxRange: row.maxRange } : { body: '', maxRange: null };
  }
}
