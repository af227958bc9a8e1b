import { normaliseListValue } from './list-values';

describe('normaliseListValue', () => {
  it('accepts and normalises good values', () => {
    expect(normaliseListValue('ip', ' 203.0.113.7 ')).toEqual({ value: '203.0.113.7' });
    expect(normaliseListValue('ip', '::ffff:203.0.113.7')).toEqual({ value: '203.0.113.7' });
    expect(normaliseListValue('ip', '2001:DB8::1')).toEqual({ value: '2001:db8::1' });
    expect(normaliseListValue('cidr', '203.0.113.0/24')).toEqual({ value: '203.0.113.0/24' });
    expect(normaliseListValue('cidr', '10.0.0.0/8')).toEqual({ value: '10.0.0.0/8' });
    expect(normaliseListValue('cidr', '2001:db8::/32')).toEqual({ value: '2001:db8::/32' });
    // canonical like client addresses: one text per block
    expect(normaliseListValue('ip', '2001:4860:0:0:0:0:0:8888')).toEqual({ value: '2001:4860::8888' });
    expect(normaliseListValue('cidr', '::ffff:203.0.113.0/120')).toEqual({ value: '203.0.113.0/24' });
    expect(normaliseListValue('cidr', '2001:DB8:0:0::/32')).toEqual({ value: '2001:db8::/32' });
    expect(normaliseListValue('asn', 'AS64500')).toEqual({ value: '64500' });
    expect(normaliseListValue('asn', '13335')).toEqual({ value: '13335' });
    expect(normaliseListValue('country', 'jp')).toEqual({ value: 'JP' });
  });

  it('refuses bad values with a helpful message', () => {
    expect(normaliseListValue('ip', '203.0.113.300')).toHaveProperty('error');
    expect(normaliseListValue('cidr', '203.0.113.7/24')).toEqual({ error: expect.stringContaining('203.0.113.0/24') });
    expect(normaliseListValue('cidr', '203.0.113.0/33')).toHaveProperty('error');
    expect(normaliseListValue('cidr', '203.0.113.0')).toHaveProperty('error');
    // an IPv6 block with host bits: PostgreSQL's cidr refuses it, and every score of the tenant failed with it
    expect(normaliseListValue('cidr', '2001:db8::1/64')).toEqual({ error: expect.stringContaining('2001:db8::/64') });
    expect(normaliseListValue('cidr', '203.0.113.0/24/1')).toHaveProperty('error');
    expect(normaliseListValue('ip', 'fe80::1%eth0')).toHaveProperty('error');
    expect(normaliseListValue('asn', 'AS0')).toHaveProperty('error');
    expect(normaliseListValue('asn', 'ASX')).toHaveProperty('error');
    expect(normaliseListValue('country', 'JPN')).toHaveProperty('error');
    expect(normaliseListValue('device', 'visitor-1')).toHaveProperty('error');
  });
});
