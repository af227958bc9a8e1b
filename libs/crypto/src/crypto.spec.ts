import { apiKeyMatches, generateApiKey, parseApiKey } from './keys';
import { pseudonymiseUser } from './pseudonym';
import { signRequestToken, verifyRequestToken } from './request-token';
import { deterministicUuid, isUuid } from './ids';

const secret = 's'.repeat(40);

describe('api keys', () => {
  it('generates prefixed keys whose hash matches only the key itself', () => {
    const k = generateApiKey('secret');
    expect(k.key).toMatch(/^sk_live_[A-Za-z0-9]{12}_/);
    expect(parseApiKey(k.key, 'secret')).toEqual({ prefix: k.prefix });
    expect(parseApiKey(k.key, 'publishable')).toBeNull();
    expect(apiKeyMatches(k.key, k.hash)).toBe(true);
    expect(apiKeyMatches(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'), k.hash)).toBe(false);
    expect(k.hash).not.toContain(k.key.slice(-32));
  });
});

describe('pseudonymiseUser', () => {
  it('is stable per tenant and differs across tenants and users', () => {
    const a = pseudonymiseUser(secret, 't1', 'alice@example.com');
    expect(pseudonymiseUser(secret, 't1', 'alice@example.com')).toBe(a);
    expect(pseudonymiseUser(secret, 't2', 'alice@example.com')).not.toBe(a);
    expect(pseudonymiseUser(secret, 't1', 'bob@example.com')).not.toBe(a);
    expect(a).not.toContain('alice');
  });
});

describe('request tokens', () => {
  const claims = { t: 'tenant-a', b: '11111111-1111-4111-8111-111111111111', e: Math.floor(Date.now() / 1000) + 60 };
  it('verifies its own tokens for the same tenant', () => {
    const r = verifyRequestToken(secret, signRequestToken(secret, claims), 'tenant-a');
    expect(r).toEqual({ state: 'valid', claims });
    // with the ingest batch that carries the bundle, and after another secret was used in between
    signRequestToken('y'.repeat(40), claims);
    const batched = { ...claims, j: '22222222-2222-4222-8222-222222222222' };
    expect(verifyRequestToken(secret, signRequestToken(secret, batched), 'tenant-a')).toEqual({
      state: 'valid',
      claims: batched,
    });
  });
  it('refuses a signed token whose batch claim is not a string', () => {
    const token = signRequestToken(secret, { ...claims, j: 42 } as unknown as typeof claims);
    expect(verifyRequestToken(secret, token, 'tenant-a')).toMatchObject({
      state: 'invalid',
      detail: { key: 'token.malformed' },
    });
  });
  it('rejects another tenant, expiry, tampering and a foreign secret', () => {
    const token = signRequestToken(secret, claims);
    expect(verifyRequestToken(secret, token, 'tenant-b')).toMatchObject({
      state: 'invalid',
      detail: { key: 'token.otherTenant' },
    });
    expect(verifyRequestToken(secret, token, 'tenant-a', Date.now() + 120_000)).toMatchObject({
      detail: { key: 'token.expired' },
    });
    const forged = signRequestToken('x'.repeat(40), claims);
    expect(verifyRequestToken(secret, forged, 'tenant-a')).toMatchObject({
      detail: { key: 'token.signature' },
    });
    const [p, s] = token.slice(3).split('.');
    const altered = `rt_${Buffer.from(JSON.stringify({ ...claims, t: 'tenant-b' })).toString('base64url')}.${s}`;
    expect(verifyRequestToken(secret, altered, 'tenant-b').state).toBe('invalid');
    expect(verifyRequestToken(secret, `rt_${p}`, 'tenant-a').state).toBe('invalid');
    expect(verifyRequestToken(secret, 'garbage', 'tenant-a').state).toBe('invalid');
  });
});

describe('deterministicUuid', () => {
  it('gives the same well-formed uuid for the same name only', () => {
    const u = deterministicUuid('a');
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('a')).toBe(u);
    expect(deterministicUuid('b')).not.toBe(u);
  });
});

describe('isUuid', () => {
  it('accepts UUIDs only', () => {
    expect(isUuid('0b6f3c1e-7a9d-8c2b-9e41-5d0f2a7c6b13')).toBe(true);
    expect(isUuid('0B6F3C1E-7A9D-8C2B-9E41-5D0F2A7C6B13')).toBe(true);
    expect(isUuid('0b6f3c1e-7a9d-8c2b-9e41-5d0f2a7c6b1')).toBe(false);
    expect(isUuid("x' OR 1=1 --")).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
