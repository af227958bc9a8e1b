import { NetworkIntel, ipv6ToBigInt, ipv4ToInt } from './network-intel';

describe('network intelligence (shipped DB-IP City Lite + ip-location-db ASN)', () => {
  let intel: NetworkIntel;
  beforeAll(async () => {
    intel = await NetworkIntel.load();
  }, 30_000);

  it('finds country, coordinates, ASN and organisation for public IPv4 and IPv6', () => {
    const g = intel.lookup('8.8.8.8');
    expect(g).toMatchObject({ country: 'US', asn: 15169 });
    expect(g.lat).not.toBeNull();
    expect(intel.lookup('2001:4860:4860::8888')).toMatchObject({ asn: 15169 });
    expect(intel.lookup('::ffff:8.8.8.8')).toMatchObject({ country: 'US', asn: 15169 });
  });

  it('answers nulls for private, documentation and malformed addresses', () => {
    for (const ip of ['10.0.0.1', '192.0.2.1', '203.0.113.10', 'nope', '']) {
      expect(intel.lookup(ip)).toEqual({ country: null, city: null, lat: null, lon: null, asn: null, asnOrg: null });
    }
  });

  it('converts addresses to numbers', () => {
    expect(ipv4ToInt('1.0.0.0')).toBe(16777216);
    expect(ipv6ToBigInt('2001::')).toBe(0x20010000000000000000000000000000n);
    expect(ipv6ToBigInt('::1')).toBe(1n);
  });
});
