import type { AdminAuthRepository } from '@kizuki/database';
import { AuditLog } from './audit-log.service';

describe('AuditLog: the one audit log', () => {
  const tenantId = '11111111-1111-4111-8111-111111111111';
  const make = () => {
    const repo = { audit: jest.fn().mockResolvedValue(undefined), listAudit: jest.fn().mockResolvedValue([]) };
    return { repo, log: new AuditLog(repo as unknown as AdminAuthRepository) };
  };

  it("writes a console member's change with who, what, the target and before/after, in their tenant", async () => {
    const { repo, log } = make();
    const p = { tenantId, adminId: 'a1', email: 'ana@example.com' };
    await log.record(p, 'team.role', { type: 'admin', id: 'a2' }, { role: 'viewer' }, { role: 'analyst' });
    expect(repo.audit).toHaveBeenCalledWith(tenantId, {
      adminId: 'a1',
      actor: 'ana@example.com',
      action: 'team.role',
      targetType: 'admin',
      targetId: 'a2',
      before: { role: 'viewer' },
      after: { role: 'analyst' },
      ip: undefined,
    });
  });

  it('keeps the client address of a sign-in, and a missing target id as null', async () => {
    const { repo, log } = make();
    await log.record(
      { tenantId, adminId: 'a1', email: 'ana@example.com' },
      'session.login',
      { type: 'session' },
      undefined,
      undefined,
      '203.0.113.7',
    );
    expect(repo.audit.mock.calls[0][1]).toMatchObject({ action: 'session.login', targetId: null, ip: '203.0.113.7' });
  });

  it("names an API key's prefix as the actor of a /v1 request, with no console member", async () => {
    const { repo, log } = make();
    await log.recordApi(
      { tenantId, keyPrefix: 'sk_live_abcd' },
      'user.erase',
      { type: 'account', id: 'acc1' },
      { devices: 2 },
    );
    expect(repo.audit).toHaveBeenCalledWith(tenantId, {
      adminId: null,
      actor: 'sk_live_abcd',
      action: 'user.erase',
      targetType: 'account',
      targetId: 'acc1',
      after: { devices: 2 },
    });
    await log.recordApi({ tenantId }, 'user.export', { type: 'account', id: 'acc1' });
    expect(repo.audit.mock.calls[1][1]).toMatchObject({ actor: 'api', adminId: null });
  });
});
