import { learnFromTrustedLogin, MAX_NETWORKS, primaryLanguage } from './learning';

const network = {
  ip: '1.2.3.4',
  country: 'JP',
  city: null,
  lat: 35.7,
  lon: 139.7,
  asn: null,
  asnOrg: null,
  datacenter: false,
  tor: false,
  language: 'ja',
};

describe('learning from a trusted login', () => {
  it('adds a new country and language once and remembers where it was', () => {
    const l = learnFromTrustedLogin(null, null, network, 1000);
    expect(l).toEqual({
      countries: ['JP'],
      languages: ['ja'],
      networks: ['1.2.3.0/24'],
      lastLogin: { at: 1000, country: 'JP', lat: 35.7, lon: 139.7 },
    });
    const again = learnFromTrustedLogin({ countries: ['JP'], languages: ['ja'] } as never, null, network, 2000);
    expect(again.countries).toEqual(['JP']);
  });

  it('learns the usual networks: /24 and /48, most recently used last, at most MAX_NETWORKS', () => {
    const at = (ip: string, networks?: string[]) =>
      learnFromTrustedLogin({ countries: [], languages: [], networks } as never, null, { ...network, ip }, 1000)
        .networks;
    // an account enrolled before networks were learned learns from its next trusted login
    expect(at('73.1.5.77')).toEqual(['73.1.5.0/24']);
    expect(at('2001:db8:1:2::9', ['73.1.5.0/24'])).toEqual(['73.1.5.0/24', '2001:db8:1::/48']);
    // seen again: moves to the end (most recently used), no duplicate
    expect(at('73.1.5.200', ['73.1.5.0/24', '10.0.0.0/24'])).toEqual(['10.0.0.0/24', '73.1.5.0/24']);
    // bounded: the least recently used network goes
    const full = Array.from({ length: MAX_NETWORKS }, (_, i) => `10.0.${i}.0/24`);
    const next = at('73.1.5.1', full)!;
    expect(next).toHaveLength(MAX_NETWORKS);
    expect(next[0]).toBe('10.0.1.0/24');
    expect(next[MAX_NETWORKS - 1]).toBe('73.1.5.0/24');
    // no usable address: nothing learned, the stored networks stay
    expect(at('', ['73.1.5.0/24'])).toBeUndefined();
  });

  it('reads the primary language of Accept-Language', () => {
    expect(primaryLanguage('ja-JP,ja;q=0.9,en;q=0.8')).toBe('ja');
    expect(primaryLanguage('en')).toBe('en');
    expect(primaryLanguage('*')).toBeNull();
    expect(primaryLanguage(null)).toBeNull();
  });
});
