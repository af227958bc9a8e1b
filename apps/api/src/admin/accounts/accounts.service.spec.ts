import type { AdminInsightsRepository } from '@kizuki/database';
import type { WebhookEventsService } from '@kizuki/webhooks';
import type { KizukiConfig } from '@kizuki/config';
import { sealDisplayLabel } from '@kizuki/crypto';
import type { AuditLog } from '../../common/audit-log.service';
import { DisplayLabels } from '../../common/display-labels.service';
import type { PseudonymService } from '../../common/pseudonym.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { AccountsService, deviceStatus } from './accounts.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const accountId = '99999999-9999-4999-8999-999999999999';
const deviceId = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'analyst' } as AdminPrincipal;
const secret = 's'.repeat(40);

function make() {
  const insights = {
    accountIdByHash: jest.fn().mockResolvedValue(accountId),
    setDeviceVerdict: jest.fn().mockResolvedValue({ before: 'new' }),
    account: jest.fn(),
    resetProfile: jest.fn().mockResolvedValue({ hadTyping: true, hadPointer: false }),
  };
  const pseudonyms = { user: jest.fn((t: string, u: string) => `h:${t}:${u}`) };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const webhooks = { emit: jest.fn().mockResolvedValue(undefined) };
  const service = new AccountsService(
    insights as unknown as AdminInsightsRepository,
    pseudonyms as unknown as PseudonymService,
    audit as unknown as AuditLog,
    webhooks as unknown as WebhookEventsService,
    new DisplayLabels({ KIZUKI_SECRET: secret } as KizukiConfig),
  );
  return { insights, audit, webhooks, service };
}

describe('AccountsService', () => {
  beforeEach(() => jest.useFakeTimers().setSystemTime(new Date('2026-06-30T23:59:59Z')));
  afterEach(() => jest.useRealTimers());

  it("finds an account by the pseudonym of the customer's user id, in the tenant", async () => {
    const { insights, service } = make();
    expect(await service.lookup(p, 'hanako@example.jp')).toEqual({ id: accountId });
    const key = new DisplayLabels({ KIZUKI_SECRET: secret } as KizukiConfig).searchKey(tenantId, 'Hanako@Example.jp');
    expect(insights.accountIdByHash).toHaveBeenCalledWith(tenantId, `h:${tenantId}:hanako@example.jp`, key);
    insights.accountIdByHash.mockResolvedValueOnce(null);
    await expect(service.lookup(p, 'nobody')).rejects.toMatchObject({ status: 404 });
  });

  it('opens the display label for analysts and masks it for viewers; the sealed value never leaves', async () => {
    const { insights, service } = make();
    const { sealed } = sealDisplayLabel(secret, tenantId, { email: 'hanako@example.jp', name: 'Hanako' });
    const row = { userHash: 'f'.repeat(64), displayLabel: sealed, networks: [], devices: [], typingProfile: null };
    insights.account.mockResolvedValue(row);
    const a = await service.account(p, accountId);
    expect(a.display).toEqual({ email: 'hanako@example.jp', name: 'Hanako' });
    expect(JSON.stringify(a)).not.toContain(sealed);
    const v = await service.account({ ...p, role: 'viewer' } as AdminPrincipal, accountId);
    expect(v.display).toEqual({ email: 'h•••••@example.jp', name: 'H•••••' });
    expect(JSON.stringify(v)).not.toContain('hanako@');
  });

  it('reports a device: audited with before/after and announced by device.reported', async () => {
    const { insights, audit, webhooks, service } = make();
    expect(await service.deviceVerdict(p, accountId, deviceId, 'report')).toEqual({ deviceId, status: 'fraud' });
    expect(insights.setDeviceVerdict).toHaveBeenCalledWith(tenantId, accountId, deviceId, 'report');
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'device.report',
      { type: 'device', id: deviceId },
      { account: accountId, status: 'new' },
      {
        account: accountId,
        status: 'fraud',
      },
    );
    expect(webhooks.emit).toHaveBeenCalledWith(tenantId, 'device.reported', `console|${deviceId}|${Date.now()}`, {
      deviceId,
      source: 'console',
      reportedAt: '2026-06-30T23:59:59.000Z',
    });
  });

  it('approves without a webhook; an unknown verdict or device is a 404 with nothing audited', async () => {
    const { insights, audit, webhooks, service } = make();
    await expect(service.deviceVerdict(p, accountId, deviceId, 'delete')).rejects.toMatchObject({ status: 404 });
    insights.setDeviceVerdict.mockResolvedValueOnce(null);
    await expect(service.deviceVerdict(p, accountId, deviceId, 'approve')).rejects.toMatchObject({ status: 404 });
    expect(audit.record).not.toHaveBeenCalled();
    expect(await service.deviceVerdict(p, accountId, deviceId, 'approve')).toEqual({ deviceId, status: 'trusted' });
    expect(webhooks.emit).not.toHaveBeenCalled();
  });

  it('audits a profile reset with what it had before', async () => {
    const { audit, service } = make();
    await service.resetProfile(p, accountId);
    const before = { hadTyping: true, hadPointer: false };
    expect(audit.record).toHaveBeenCalledWith(p, 'account.reset_profile', { type: 'account', id: accountId }, before, {
      hadTyping: false,
      hadPointer: false,
    });
  });

  it('shows fraud first, then shared, then the link status', () => {
    expect(deviceStatus('trusted', 'fraud', 0)).toBe('fraud');
    expect(deviceStatus('new', 'active', 2)).toBe('shared');
    expect(deviceStatus('trusted', 'active', 2)).toBe('trusted');
    expect(deviceStatus('whatever', 'active', 0)).toBe('new');
  });
});
