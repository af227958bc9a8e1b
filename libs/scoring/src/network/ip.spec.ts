import { canonicalIp, embeddedIpv4, parseCidr, parseIp } from './ip';

describe('canonicalIp: one text per address', () => {
  it('unwraps IPv4 mapped into IPv6, in any spelling', () => {
    for (const s of [
      '127.0.0.1',
      '::ffff:127.0.0.1',
      '::FFFF:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:0001',
      '0000:0000:0000:0000:0000:FFFF:127.0.0.1',
    ]) {
      expect([s, canonicalIp(s)]).toEqual([s, '127.0.0.1']);
    }
  });

  it('writes IPv6 as RFC 5952 does', () => {
    expect(canonicalIp('2001:4860:0:0:0:0:0:8888')).toBe('2001:4860::8888');
    expect(canonicalIp('2001:4860::8888')).toBe('2001:4860::8888');
    expect(canonicalIp('2001:0DB8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1'); // the first of equal runs
    expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // one zero group stays
    expect(canonicalIp('2001:db8:0:0:1:0:0:0')).toBe('2001:db8:0:0:1::'); // the longest run
    expect(canonicalIp('0:0:0:0:0:0:0:0')).toBe('::');
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('fe80:0:0:0:0:0:0:0')).toBe('fe80::');
    expect(canonicalIp('::127.0.0.1')).toBe('::7f00:1'); // IPv4-compatible: an IPv6 address, not the IPv4 client
  });

  it('refuses what is not exactly one address', () => {
    for (const s of [
      'fe80::1%eth0',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '01.2.3.4',
      '1.2.3.256',
      '1.2.3',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '[::1]',
      '1.2.3.4/32',
      '::ffff:1.2.3',
      '12345::',
      'g::1',
      '',
      'x'.repeat(100),
    ]) {
      expect([s, canonicalIp(s)]).toEqual([s, null]);
    }
  });
});

describe('parseCidr', () => {
  it('reads a block, canonical like an address, with its network and whether host bits are set', () => {
    expect(parseCidr('203.0.113.0/24')).toEqual({
      address: '203.0.113.0',
      network: '203.0.113.0',
      bits: 24,
      hostBits: false,
    });
    expect(parseCidr('203.0.113.7/24')).toEqual({
      address: '203.0.113.7',
      network: '203.0.113.0',
      bits: 24,
      hostBits: true,
    });
    expect(parseCidr('::ffff:203.0.113.0/120')).toEqual({
      address: '203.0.113.0',
      network: '203.0.113.0',
      bits: 24,
      hostBits: false,
    });
    expect(parseCidr('2001:DB8:0:0:0:0:0:1/64')).toEqual({
      address: '2001:db8::1',
      network: '2001:db8::',
      bits: 64,
      hostBits: true,
    });
    expect(parseCidr('2001:db8:abcd::/33')).toMatchObject({ network: '2001:db8:8000::', hostBits: true });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ network: '0.0.0.0', bits: 0, hostBits: false });
  });

  it('refuses anything else', () => {
    for (const s of [
      '1.2.3.4/24/1',
      '1.2.3.4/33',
      '::/129',
      '1.2.3.4/024',
      '1.2.3.4/',
      '/24',
      '1.2.3.4',
      'fe80::%eth0/64',
      '1.2.3.4/ 24',
    ]) {
      expect([s, parseCidr(s)]).toEqual([s, null]);
    }
  });
});

describe('embeddedIpv4', () => {
  const of = (s: string) => embeddedIpv4(parseIp(s)!);
  it('finds the IPv4 address in every embedding form', () => {
    expect(of('::7f00:1')).toEqual({ form: 'compatible', ipv4: '127.0.0.1' });
    expect(of('::ffff:7f00:1')).toEqual({ form: 'mapped', ipv4: '127.0.0.1' });
    expect(of('::ffff:0:7f00:1')).toEqual({ form: 'translated', ipv4: '127.0.0.1' });
    expect(of('64:ff9b::a00:1')).toEqual({ form: 'nat64', ipv4: '10.0.0.1' });
  });
  it('and none in other addresses', () => {
    for (const s of ['::', '::1', '2001:db8::7f00:1', '127.0.0.1', '64:ff9b:1::a00:1'])
      expect([s, of(s)]).toEqual([s, null]);
  });
});
