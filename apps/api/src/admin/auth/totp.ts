import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isSealedSecret, openSecret, sealSecret } from '@kizuki/crypto';

// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits: what every authenticator app speaks), on
// node:crypto only. Secrets travel as RFC 4648 base32, as in otpauth:// URIs.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** 160 random bits, the size RFC 4226 recommends for HMAC-SHA1. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** RFC 4226 HOTP value for a counter. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

export function totpStep(nowMs = Date.now()): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

export function totp(secretBase32: string, nowMs = Date.now()): string {
  return hotp(base32Decode(secretBase32), totpStep(nowMs));
}

/**
 * The time step the code matches within ±window steps (clock drift), or null. The caller must
 * refuse a step that was already used (replay).
 */
export function verifyTotp(secretBase32: string, code: string, nowMs = Date.now(), window = 1): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = base32Decode(secretBase32);
  const now = totpStep(nowMs);
  let matched: number | null = null;
  for (let s = now - window; s <= now + window; s++) {
    const a = Buffer.from(hotp(secret, s));
    // compare every candidate, constant time, so timing does not tell which step matched
    if (timingSafeEqual(a, Buffer.from(code)) && matched === null) matched = s;
  }
  return matched;
}

/** Seeds are stored sealed (libs/crypto), never in clear. */
export function sealTotpSecret(masterSecret: string, secretBase32: string): string {
  return sealSecret(masterSecret, 'admin-totp', secretBase32);
}

/**
 * verifyTotp against a stored seed: sealed, or in clear when stored before sealing (until the api's
 * next start seals it). A seed that does not open (KIZUKI_SECRET changed) matches no code.
 */
export function verifyStoredTotp(
  masterSecret: string,
  stored: string,
  code: string,
  nowMs = Date.now(),
): number | null {
  let seed: string;
  try {
    seed = isSealedSecret(stored) ? openSecret(masterSecret, 'admin-totp', stored) : stored;
  } catch {
    return null;
  }
  return verifyTotp(seed, code, nowMs);
}

export function otpauthUrl(secretBase32: string, account: string, issuer = 'Kizuki'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const query = [
    `secret=${secretBase32}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_STEP_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
