import { ClientIpResolver, normalise } from './client-ip';

describe('ClientIpResolver', () => {
  it('uses the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const r = new ClientIpResolver('');
    expect(r.resolve('203.0.113.7', '1.1.1.1')).toBe('203.0.113.7');
    expect(r.resolve('::ffff:203.0.113.7', undefined)).toBe('203.0.113.7');
  });

  it('believes X-Forwarded-For only from a trusted proxy, skipping trusted hops', () => {
    const r = new ClientIpResolver('10.0.0.0/8, 192.0.2.1');
    expect(r.resolve('10.1.2.3', '198.51.100.9, 192.0.2.1')).toBe('198.51.100.9');
    // A client that forges the header in front of the real chain does not get to choose its IP.
    expect(r.resolve('10.1.2.3', '6.6.6.6, 198.51.100.9')).toBe('198.51.100.9');
    expect(r.resolve('203.0.113.7', '198.51.100.9')).toBe('203.0.113.7');
    expect(r.resolve('10.1.2.3', 'garbage')).toBe('10.1.2.3');
  });

  it('refuses a malformed TRUSTED_PROXIES entry', () => {
    expect(() => new ClientIpResolver('not-an-ip')).toThrow(/TRUSTED_PROXIES/);
  });
});

describe('addresses PostgreSQL can store', () => {
  it('takes IPv4 and IPv6 in canonical text, refuses an IPv6 zone (isIP takes it, inet does not)', () => {
    expect(normalise('203.0.113.7')).toBe('203.0.113.7');
    expect(normalise('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalise('not-an-ip')).toBeNull();
    expect(normalise('fe80::1%eth0')).toBeNull();
    // a trusted proxy forwarding one: the proxy's own address, not one the bundle could not store
    expect(new ClientIpResolver('10.0.0.0/8').resolve('10.0.0.1', 'fe80::1%eth0')).toBe('10.0.0.1');
  });
});
