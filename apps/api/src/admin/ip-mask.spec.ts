import { maskIp } from './ip-mask';

describe('maskIp', () => {
  it('truncates for viewers only', () => {
    expect(maskIp('203.0.113.77', 'viewer')).toBe('203.0.113.x');
    expect(maskIp('203.0.113.0/24', 'viewer')).toBe('203.0.113.x/24');
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348', 'viewer')).toBe('2001:db8:85a3::x');
    expect(maskIp('203.0.113.77', 'analyst')).toBe('203.0.113.77');
    expect(maskIp(null, 'viewer')).toBeNull();
  });
});
