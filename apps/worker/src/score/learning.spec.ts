import { learnFromTrustedLogin, primaryLanguage } from './learning';

const network = { ip: '1.2.3.4', country: 'JP', city: null, lat: 35.7, lon: 139.7, asn: null, asnOrg: null, datacenter: false, tor: false, language: 'ja' };

describe('learning from a trusted login', () => {
  it('adds a new country and language once and remembers where it was', () => {
    const l = learnFromTrustedLogin(null, null, network, 1000);
    expect(l).toEqual({ countries: ['JP'], languages: ['ja'], lastLogin: { at: 1000, country: 'JP', lat: 35.7, lon: 139.7 } });
    const again = learnFromTrustedLogin({ countries: ['JP'], languages: ['ja'] } as never, null, network, 2000);
    expect(again.countries).toEqual(['JP']);
  });

  it('reads the primary language of Accept-Language', () => {
    expect(primaryLanguage('ja-JP,ja;q=0.9,en;q=0.8')).toBe('ja');
    expect(primaryLanguage('en')).toBe('en');
    expect(primaryLanguage('*')).toBeNull();
    expect(primaryLanguage(null)).toBeNull();
  });
});
