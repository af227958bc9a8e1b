import { isUuid } from '@kizuki/crypto';
import type { LoginCursor } from '@kizuki/database';
import { AdminErrors } from './admin-errors';


/** Opaque keyset cursor: base64url("<created_at ISO>|<id>"). */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): LoginCursor | undefined {
  if (!cursor) return undefined;
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || !isUuid(id) || Number.isNaN(Date.parse(createdAt))) throw AdminErrors.invalid('The cursor is not valid.');
  return { createdAt, id };
}
