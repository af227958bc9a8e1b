import type { KizukiConfig } from '@kizuki/config';
import type { AdminAuthRepository } from '@kizuki/database';
import type { AuditLog } from '../../common/audit-log.service';
import type { AdminPrincipal, AdminSessionService } from './admin-session.service';
import { MeService } from './me.service';
import { totp } from './totp';

const tenantId = '11111111-1111-4111-8111-111111111111';
const p = {
  tenantId,
  adminId: 'a1',
  email: 'ana@example.com',
  role: 'viewer',
  sessionId: 's1',
  totpEnabled: false,
} as AdminPrincipal;

function make(currentOk = true) {
  const sessions = { verifyCurrentPassword: jest.fn().mockResolvedValue(currentOk) };
  const admins = {
    setPassword: jest.fn().mockResolvedValue(undefined),
    revokeAdminSessions: jest.fn().mockResolvedValue(undefined),
    setTotpPending: jest.fn().mockResolvedValue(undefined),
    findById: jest.fn(),
    enableTotp: jest.fn().mockResolvedValue(undefined),
  };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const service = new MeService(
    sessions as unknown as AdminSessionService,
    admins as unknown as AdminAuthRepository,
    audit as unknown as AuditLog,
    { KIZUKI_SECRET: 's'.repeat(32) } as KizukiConfig,
  );
  return { admins, audit, service };
}

describe('MeService', () => {
  it('changes the password, ends the other sessions and audits it, never the password', async () => {
    const { admins, audit, service } = make();
    await service.changePassword(p, 'old password 1', 'new password 2');
    expect(admins.setPassword).toHaveBeenCalledWith(tenantId, 'a1', expect.any(String), false);
    expect(admins.setPassword.mock.calls[0][2]).not.toContain('new password 2');
    expect(admins.revokeAdminSessions).toHaveBeenCalledWith(tenantId, 'a1', 's1');
    expect(audit.record).toHaveBeenCalledWith(p, 'admin.password_change', { type: 'admin', id: 'a1' });
  });

  it('changes nothing on a wrong current password (401) or the same password again (400)', async () => {
    const wrong = make(false);
    await expect(wrong.service.changePassword(p, 'x', 'y')).rejects.toMatchObject({ status: 401 });
    const same = make();
    await expect(same.service.changePassword(p, 'same', 'same')).rejects.toMatchObject({ status: 400 });
    for (const { admins, audit } of [wrong, same]) {
      expect(admins.setPassword).not.toHaveBeenCalled();
      expect(audit.record).not.toHaveBeenCalled();
    }
  });

  it('enables TOTP only with a code of the pending seed, and audits the switch', async () => {
    const { admins, audit, service } = make();
    const { secret } = await service.totpSetup(p);
    const sealed = admins.setTotpPending.mock.calls[0][2] as string;
    expect(sealed).not.toContain(secret);
    admins.findById.mockResolvedValue({ totpPending: sealed });
    const code = totp(secret);
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    await expect(service.totpEnable(p, wrong)).rejects.toMatchObject({ status: 400 });
    expect(admins.enableTotp).not.toHaveBeenCalled();
    await service.totpEnable(p, code);
    expect(admins.enableTotp).toHaveBeenCalledWith(tenantId, 'a1', sealed, expect.any(Number));
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'admin.totp_enable',
      { type: 'admin', id: 'a1' },
      { totp: false },
      { totp: true },
    );
  });
});
