import type { KizukiConfig } from '@kizuki/config';
import { pseudonymiseUser } from '@kizuki/crypto';
import { PseudonymService } from './pseudonym.service';

describe('PseudonymService', () => {
  const secret = 'x'.repeat(32);
  const service = new PseudonymService({ KIZUKI_SECRET: secret } as KizukiConfig);

  it("is the stored pseudonym of the configured secret: what the score job and the console's lookups match", () => {
    expect(service.user('t1', 'hanako@example.jp')).toBe(pseudonymiseUser(secret, 't1', 'hanako@example.jp'));
  });

  it("differs between tenants, so two tenants' users never match", () => {
    expect(service.user('t1', 'hanako@example.jp')).not.toBe(service.user('t2', 'hanako@example.jp'));
  });
});
