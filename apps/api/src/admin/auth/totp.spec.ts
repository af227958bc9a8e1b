import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  sealTotpSecret,
  totp,
  verifyStoredTotp,
  verifyTotp,
} from './totp';

// RFC 6238 appendix B test vectors (SHA1, secret "12345678901234567890", 8 digits).
const RFC_SECRET = Buffer.from('12345678901234567890');
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA1 test vectors', () => {
    for (const [t, code] of VECTORS) expect(hotp(RFC_SECRET, Math.floor(t / 30), 8)).toBe(code);
  });

  it('round-trips base32 (RFC 4648)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    const s = generateTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(s))).toBe(s);
  });

  it('accepts the current code and ±1 step, refuses others and garbage', () => {
    const s = generateTotpSecret();
    const now = 1_700_000_000_000;
    expect(verifyTotp(s, totp(s, now), now)).toBe(Math.floor(now / 30000));
    expect(verifyTotp(s, totp(s, now - 30_000), now)).toBe(Math.floor(now / 30000) - 1);
    expect(verifyTotp(s, totp(s, now - 90_000), now)).toBeNull();
    expect(verifyTotp(s, '12345', now)).toBeNull();
    expect(verifyTotp(s, 'abcdef', now)).toBeNull();
  });

  it('verifies a sealed seed or a clear one stored before sealing; one sealed under another master key fails', () => {
    const master = 'm'.repeat(40);
    const s = generateTotpSecret();
    const now = Date.UTC(2026, 11, 31, 23, 59, 45);
    const code = totp(s, now);
    const sealed = sealTotpSecret(master, s);
    expect(sealed).not.toContain(s);
    expect(verifyStoredTotp(master, sealed, code, now)).toBe(Math.floor(now / 30000));
    expect(verifyStoredTotp(master, s, code, now)).toBe(Math.floor(now / 30000));
    expect(verifyStoredTotp('n'.repeat(40), sealed, code, now)).toBeNull();
  });
});
