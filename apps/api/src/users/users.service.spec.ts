import type { UserDataRepository } from '@kizuki/database';
import type { WebhookEventsService } from '@kizuki/webhooks';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import type { AuditLog } from '../common/audit-log.service';
import type { PseudonymService } from '../common/pseudonym.service';
import { UsersService } from './users.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const accountId = '99999999-9999-4999-8999-999999999999';
const deviceId = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const tenant = { tenantId, keyPrefix: 'sk_live_abcd' } as AuthenticatedTenant;

function make() {
  const users = {
    accountId: jest.fn(async (_t: string, hash: string) => (hash === `h:${tenantId}:hanako` ? accountId : null)),
    setDeviceStatus: jest.fn().mockResolvedValue(true),
    export: jest.fn().mockResolvedValue({ account: { id: accountId } }),
    erase: jest.fn().mockResolvedValue({ assessments: 3 }),
  };
  const pseudonyms = { user: jest.fn((t: string, u: string) => `h:${t}:${u}`) };
  const audit = { recordApi: jest.fn().mockResolvedValue(undefined) };
  const webhooks = { emit: jest.fn().mockResolvedValue(undefined) };
  const service = new UsersService(
    users as unknown as UserDataRepository,
    pseudonyms as unknown as PseudonymService,
    audit as unknown as AuditLog,
    webhooks as unknown as WebhookEventsService,
  );
  return { users, audit, webhooks, service };
}

describe('UsersService', () => {
  it("erases and exports the pseudonymised user's account, each audited with the key's prefix as actor", async () => {
    const { users, audit, service } = make();
    expect(await service.erase(tenant, 'hanako')).toEqual({ assessments: 3 });
    expect(users.erase).toHaveBeenCalledWith(tenantId, accountId);
    expect(audit.recordApi).toHaveBeenCalledWith(
      tenant,
      'user.erase',
      { type: 'account', id: accountId },
      { assessments: 3 },
    );
    await service.export(tenant, 'hanako');
    expect(audit.recordApi).toHaveBeenLastCalledWith(tenant, 'user.export', { type: 'account', id: accountId });
  });

  it('answers an unknown, empty or overlong user id with the same 404, touching nothing', async () => {
    const { users, audit, service } = make();
    for (const id of ['nobody', '', 'x'.repeat(257)])
      await expect(service.erase(tenant, id)).rejects.toMatchObject({ status: 404 });
    expect(users.erase).not.toHaveBeenCalled();
    expect(audit.recordApi).not.toHaveBeenCalled();
  });

  it('reports a device of the user (device.reported sent); a malformed device id is a 404', async () => {
    const { users, webhooks, service } = make();
    expect(await service.report(tenant, 'hanako', deviceId)).toEqual({ id: deviceId, status: 'fraud' });
    expect(users.setDeviceStatus).toHaveBeenCalledWith(tenantId, accountId, deviceId, 'fraud');
    expect(webhooks.emit.mock.calls[0].slice(0, 2)).toEqual([tenantId, 'device.reported']);
    await expect(service.approve(tenant, 'hanako', 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
    expect(users.setDeviceStatus).toHaveBeenCalledTimes(1);
  });
});
