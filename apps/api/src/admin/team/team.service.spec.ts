import type { AdminAuthRepository } from '@kizuki/database';
import type { AuditLog } from '../../common/audit-log.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { TeamService } from './team.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const selfId = '55555555-5555-4555-8555-555555555555';
const memberId = '66666666-6666-4666-8666-666666666666';
const p = { tenantId, adminId: selfId, email: 'ana@example.com', role: 'admin' } as AdminPrincipal;

function make() {
  const admins = {
    createMember: jest.fn().mockResolvedValue({ id: memberId }),
    setRole: jest.fn().mockResolvedValue({ before: 'viewer' }),
    removeMember: jest.fn().mockResolvedValue({ email: 'bo@example.com', role: 'viewer' }),
  };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  return {
    admins,
    audit,
    service: new TeamService(admins as unknown as AdminAuthRepository, audit as unknown as AuditLog),
  };
}

describe('TeamService', () => {
  it('invites with a one-time password kept only as a hash; the audit names the member, not the password', async () => {
    const { admins, audit, service } = make();
    const r = await service.invite(p, { email: 'Bo@Example.com', role: 'analyst' });
    expect(r).toMatchObject({ id: memberId, email: 'bo@example.com', role: 'analyst' });
    const created = admins.createMember.mock.calls[0][1] as { passwordHash: string };
    expect(admins.createMember.mock.calls[0][0]).toBe(tenantId);
    expect(created.passwordHash).not.toContain(r.oneTimePassword);
    expect(audit.record).toHaveBeenCalledWith(p, 'team.invite', { type: 'admin', id: memberId }, undefined, {
      email: 'bo@example.com',
      role: 'analyst',
    });
    admins.createMember.mockResolvedValueOnce(null);
    await expect(service.invite(p, { email: 'bo@example.com', role: 'viewer' })).rejects.toMatchObject({ status: 409 });
  });

  it('never lets an admin change their own role or remove themselves', async () => {
    const { admins, audit, service } = make();
    await expect(service.setRole(p, selfId, { role: 'viewer' })).rejects.toMatchObject({ status: 409 });
    await expect(service.remove(p, selfId)).rejects.toMatchObject({ status: 409 });
    expect(admins.setRole).not.toHaveBeenCalled();
    expect(admins.removeMember).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('changes and removes members in the tenant with before/after audited; an unknown member is a 404', async () => {
    const { admins, audit, service } = make();
    expect(await service.setRole(p, memberId, { role: 'analyst' })).toEqual({ id: memberId, role: 'analyst' });
    expect(admins.setRole).toHaveBeenCalledWith(tenantId, memberId, 'analyst');
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'team.role',
      { type: 'admin', id: memberId },
      { role: 'viewer' },
      { role: 'analyst' },
    );
    await service.remove(p, memberId);
    expect(audit.record).toHaveBeenLastCalledWith(
      p,
      'team.remove',
      { type: 'admin', id: memberId },
      { email: 'bo@example.com', role: 'viewer' },
      undefined,
    );
    admins.removeMember.mockResolvedValueOnce(null);
    await expect(service.remove(p, memberId)).rejects.toMatchObject({ status: 404 });
    await expect(service.remove(p, 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
    expect(admins.removeMember).toHaveBeenCalledTimes(2);
  });
});
