import type { LoginCursor } from '@kizuki/database';
import { AdminErrors } from './admin-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque keyset cursor: base64url("<created_at ISO>|<id>"). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): LoginCursor | undefined {
  if (!cursor) return undefined;
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || !UUID.test(id) || Number.isNaN(Date.parse(createdAt))) throw AdminErrors.invalid('The cursor is not valid.');
  return { createdAt, id };
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
