import { createHmac, timingSafeEqual } from 'node:crypto';
import { deterministicUuid } from '@kizuki/crypto';

export type LinkAction = 'approve' | 'report';

/** What a "was this you?" link says: tenant, login (assessment), action, expiry (unix s). */
export interface LinkClaims {
  t: string;
  a: string;
  x: LinkAction;
  e: number;
}

const ACTIONS: LinkAction[] = ['approve', 'report'];
const hex = (b: Buffer) => b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

function key(masterSecret: string): Buffer {
  return createHmac('sha256', masterSecret).update('kizuki device links v1').digest();
}

function mac(masterSecret: string, payload: string): Buffer {
  return createHmac('sha256', key(masterSecret)).update(payload).digest().subarray(0, 16);
}

/** One-time id shared by the approve and report links of one login. */
export function linkId(c: Pick<LinkClaims, 't' | 'a'>): string {
  return deterministicUuid(`link|${c.t}|${c.a}`);
}

/**
 * lk_<base64url(tenant 16 B | assessment 16 B | action 1 B | expiry 4 B)>.<base64url(HMAC-SHA256, 128 bits)>:
 * compact (fits in a URL path segment), tamper-evident, meaningless without Kizuki's key.
 */
export function signLink(masterSecret: string, c: LinkClaims): string {
  const buf = Buffer.alloc(37);
  Buffer.from(c.t.replace(/-/g, ''), 'hex').copy(buf, 0);
  Buffer.from(c.a.replace(/-/g, ''), 'hex').copy(buf, 16);
  buf.writeUInt8(ACTIONS.indexOf(c.x), 32);
  buf.writeUInt32BE(c.e, 33);
  const payload = buf.toString('base64url');
  return `lk_${payload}.${mac(masterSecret, payload).toString('base64url')}`;
}

export type LinkCheck =
  { state: 'valid'; claims: LinkClaims } | { state: 'invalid' } | { state: 'expired'; claims: LinkClaims };

export function verifyLink(masterSecret: string, token: string, nowMs = Date.now()): LinkCheck {
  const m = /^lk_([A-Za-z0-9_-]{50})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return { state: 'invalid' };
  const want = mac(masterSecret, m[1]);
  const got = Buffer.from(m[2], 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { state: 'invalid' };
  const buf = Buffer.from(m[1], 'base64url');
  if (buf.length !== 37 || !ACTIONS[buf.readUInt8(32)]) return { state: 'invalid' };
  const claims: LinkClaims = {
    t: hex(buf.subarray(0, 16)),
    a: hex(buf.subarray(16, 32)),
    x: ACTIONS[buf.readUInt8(32)],
    e: buf.readUInt32BE(33),
  };
  if (!(claims.e * 1000 > nowMs)) return { state: 'expired', claims };
  return { state: 'valid', claims };
}
