import {
  compactDisplayLabel,
  displayLabelSearchKey,
  maskDisplayLabel,
  openDisplayLabel,
  sealDisplayLabel,
} from './display-labels';

const master = 'm'.repeat(40);
const tenantA = '11111111-1111-4111-8111-111111111111';
const tenantB = '22222222-2222-4222-8222-222222222222';

describe('display labels', () => {
  it('seals per tenant: never in clear, opens only for the tenant it was sealed for', () => {
    const s = sealDisplayLabel(master, tenantA, { email: 'hanako@example.jp', name: '山田 花子' });
    expect(s.sealed).not.toContain('hanako');
    expect(openDisplayLabel(master, tenantA, s.sealed)).toEqual({ email: 'hanako@example.jp', name: '山田 花子' });
    expect(openDisplayLabel(master, tenantB, s.sealed)).toBeNull();
    expect(openDisplayLabel('n'.repeat(40), tenantA, s.sealed)).toBeNull();
    expect(openDisplayLabel(master, tenantA, null)).toBeNull();
  });

  it('finds a value by exact match, case and width folded, and never across tenants', () => {
    const s = sealDisplayLabel(master, tenantA, { email: 'Hanako@Example.jp', label: 'ＶＩＰ 001' });
    expect(s.keys).toHaveLength(2);
    expect(s.keys).toContain(displayLabelSearchKey(master, tenantA, ' hanako@example.JP '));
    expect(s.keys).toContain(displayLabelSearchKey(master, tenantA, 'vip  001'));
    expect(s.keys).not.toContain(displayLabelSearchKey(master, tenantA, 'hanako'));
    expect(s.keys).not.toContain(displayLabelSearchKey(master, tenantB, 'hanako@example.jp'));
  });

  it('drops empty fields and masks for viewers, keeping only first characters and the domain', () => {
    expect(compactDisplayLabel({ email: ' ', name: '' })).toBeNull();
    expect(compactDisplayLabel({ name: ' Taro ' })).toEqual({ name: 'Taro' });
    expect(maskDisplayLabel({ email: 'hanako@example.jp', name: '山田 花子', label: 'VIP' })).toEqual({
      email: 'h•••••@example.jp',
      name: '山• 花•',
      label: 'V••',
    });
    expect(maskDisplayLabel(null)).toBeNull();
  });
});
