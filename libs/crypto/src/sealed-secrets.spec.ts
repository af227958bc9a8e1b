import { isSealedSecret, openSecret, sealSecret } from './sealed-secrets';

const master = 'm'.repeat(40);

describe('sealed secrets', () => {
  it('round-trips, never shows the secret, and differs on every seal', () => {
    const a = sealSecret(master, 'admin-totp', 'JBSWY3DPEHPK3PXP');
    const b = sealSecret(master, 'admin-totp', 'JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(isSealedSecret(a)).toBe(true);
    expect(openSecret(master, 'admin-totp', a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('opens only with the same master secret and purpose, and refuses altered or clear values', () => {
    const s = sealSecret(master, 'admin-totp', 'JBSWY3DPEHPK3PXP');
    expect(() => openSecret('n'.repeat(40), 'admin-totp', s)).toThrow();
    expect(() => openSecret(master, 'webhook-endpoint', s)).toThrow();
    const [v, iv, enc, tag] = s.split('.');
    // the first character (the last may hold only padding bits)
    const flipped = `${v}.${iv}.${enc.startsWith('A') ? 'B' : 'A'}${enc.slice(1)}.${tag}`;
    expect(() => openSecret(master, 'admin-totp', flipped)).toThrow();
    expect(() => openSecret(master, 'admin-totp', 'JBSWY3DPEHPK3PXP')).toThrow();
    expect(isSealedSecret('JBSWY3DPEHPK3PXP')).toBe(false);
  });

  it('opens webhook secrets sealed before the mechanism moved to libs/crypto', () => {
    expect(openSecret(master, 'webhook-endpoint', 'v1.OMJRgzlopwSOGzM-.CY8mSsYkkcxrPt4._vgEVt8C_X-Exlnm4mSDpg')).toBe(
      'whsec_fixed',
    );
  });
});
