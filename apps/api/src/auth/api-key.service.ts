import { Injectable, Logger } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { apiKeyMatches, parseApiKey, type ApiKeyKind } from '@kizuki/crypto';
import { ApiKeyRepository, type ApiKeyRow } from '@kizuki/database';
import { resolvePolicy, type Policy } from '@kizuki/scoring';
import { Errors } from '../common/api-error';

export interface AuthenticatedTenant {
  tenantId: string;
  /** the key's public prefix (sk_live_…/pk_live_…): rate-limit bucket and audit actor, never the secret */
  keyPrefix?: string;
  origins: string[];
  /** mobile apps (bundle id / package name) whose X-Kizuki-App the publishable key is accepted from */
  appIds: string[];
  policy: Policy;
}

/**
 * A key's row is re-read at most this often: a revoked key stops working within FRESH_MS on every
 * api process (docs/security.md). A rotated key's expiry is checked on every call, cached or not.
 */
export const FRESH_MS = 30_000;
/** While PostgreSQL is down, a key seen in the last hour still authenticates (degraded mode needs it). */
const STALE_MS = 3_600_000;
const MAX_ENTRIES = 10_000;

interface CacheEntry {
  row: ApiKeyRow | null;
  at: number;
  tenant?: AuthenticatedTenant;
  verified?: Buffer;
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  /**
   * prefix → the key's row and, once built, what a call with it authenticates as (shared: read-only), and
   * the key that last matched the row's hash: the same key again is compared in constant time instead of
   * hashed (a SHA-256 per call showed in bench/load.ts --cost profiles). Only for the row's lifetime here.
   */
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly keys: ApiKeyRepository) {}

  async authenticate(key: string | undefined, kind: ApiKeyKind): Promise<AuthenticatedTenant> {
    if (!key) throw Errors.missingKey(kind === 'secret' ? 'Authorization: Bearer sk_…' : 'X-Kizuki-Key: pk_…');
    const parsed = parseApiKey(key, kind);
    if (!parsed) throw Errors.invalidKey();
    const entry = await this.lookup(parsed.prefix);
    const row = entry.row;
    if (!row || row.kind !== kind) throw Errors.invalidKey();
    const given = Buffer.from(key);
    const seen = entry.verified;
    if (!(seen && seen.length === given.length && timingSafeEqual(seen, given))) {
      if (!apiKeyMatches(key, row.hash)) throw Errors.invalidKey();
      entry.verified = given;
    }
    if (row.expiresAt && new Date(row.expiresAt).getTime() <= Date.now()) throw Errors.invalidKey();
    // built once per fetched row, not per call (the policy's resolution showed in collect profiles)
    entry.tenant ??= {
      tenantId: row.tenantId,
      keyPrefix: parsed.prefix,
      origins: row.origins,
      appIds: row.appIds ?? [],
      policy: resolvePolicy(row.policy),
    };
    return entry.tenant;
  }

  private async lookup(prefix: string): Promise<CacheEntry> {
    const cached = this.cache.get(prefix);
    const now = Date.now();
    if (cached && now - cached.at < FRESH_MS) return cached;
    try {
      const entry: CacheEntry = { row: await this.keys.findActiveByPrefix(prefix), at: now };
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(prefix, entry);
      return entry;
    } catch (e) {
      if (cached && now - cached.at < STALE_MS) return cached;
      this.logger.warn({ msg: 'api key lookup failed', err: String(e) });
      throw Errors.unavailable('Kizuki cannot verify the API key right now (database unavailable).');
    }
  }
}
