import { sourceAddress, sourceNetwork } from './ip-network';

describe('sourceNetwork / sourceAddress', () => {
  it('IPv4: the /24; the address itself', () => {
    expect(sourceNetwork('203.0.113.50')).toBe('203.0.113.0/24');
    expect(sourceAddress('203.0.113.50')).toBe('203.0.113.50');
  });

  it('IPv4-mapped IPv6 counts as the IPv4 address', () => {
    expect(sourceNetwork('::ffff:203.0.113.50')).toBe('203.0.113.0/24');
    expect(sourceAddress('::FFFF:203.0.113.50')).toBe('203.0.113.50');
  });

  it('IPv6: the /64 for both, whatever the spelling', () => {
    for (const ip of ['2001:db8:1:2::8888', '2001:0db8:0001:0002:0:0:0:1', '2001:DB8:1:2:ffff:1:2:3']) {
      expect(sourceNetwork(ip)).toBe('2001:db8:1:2::/64');
      expect(sourceAddress(ip)).toBe('2001:db8:1:2::/64');
    }
    expect(sourceNetwork('::1')).toBe('::/64');
    expect(sourceNetwork('64:ff9b::192.0.2.1')).toBe('64:ff9b::/64');
  });

  it('anything else is unknown', () => {
    for (const ip of [null, undefined, '', 'not an ip', 'fe80::1%eth0', '1.2.3.4/24'])
      expect(sourceNetwork(ip)).toBe('unknown');
  });
});
