import { isUuid } from '@kizuki/crypto';
import type { LoginCursor } from '@kizuki/database';
import { AdminErrors } from './admin-errors';

/** Opaque keyset cursor: base64url("<created_at ISO>|<id>"). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

/**
 * The one decoder of every console list's cursor (logins, audit, webhook deliveries). The instant
 * must be what encodeCursor wrote — UTC ISO 8601 with up to microseconds, a real calendar date —
 * since Date.parse also takes '99999', '2024-02-30' and 'March 7', which PostgreSQL then refused
 * mid-query (a 500). Anything else is a 400.
 */
export function decodeCursor(cursor: string | undefined): LoginCursor | undefined {
  if (!cursor) return undefined;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const [createdAt, id] = parts;
  if (parts.length !== 2 || !isUuid(id) || !isCursorInstant(createdAt))
    throw AdminErrors.invalid('The cursor is not valid.');
  return { createdAt, id };
}

function isCursorInstant(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  // Date.UTC rolls 2024-02-30 over to March 1: a real date reads back the same
  return (
    y >= 1 &&
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === sec
  );
}

/** One page of a keyset list fetched with limit + 1 rows: the extra row only says there is a next page. */
export function keysetPage<T>(
  rows: T[],
  limit: number,
  key: (row: T) => { at: string; id: string },
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  if (rows.length <= limit || !last) return { items, nextCursor: null };
  const k = key(last);
  return { items, nextCursor: encodeCursor(k.at, k.id) };
}
