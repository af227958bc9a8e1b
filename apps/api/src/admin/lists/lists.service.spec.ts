import type { AdminConfigRepository, ListRepository } from '@kizuki/database';
import type { WebhookEventsService } from '@kizuki/webhooks';
import type { AuditLog } from '../../common/audit-log.service';
import type { PseudonymService } from '../../common/pseudonym.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { ListsService } from './lists.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const entryId = '22222222-2222-4222-8222-222222222222';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'analyst' } as AdminPrincipal;

function make() {
  const repo = { listEntries: jest.fn(), isValidCidr: jest.fn().mockResolvedValue(true), deleteEntry: jest.fn() };
  const lists = { add: jest.fn().mockResolvedValue({ id: entryId }) };
  const pseudonyms = { user: jest.fn((t: string, u: string) => `hash(${t},${u})`.padEnd(64, '0')) };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const webhooks = { emit: jest.fn().mockResolvedValue(undefined) };
  const service = new ListsService(
    repo as unknown as AdminConfigRepository,
    lists as unknown as ListRepository,
    pseudonyms as unknown as PseudonymService,
    audit as unknown as AuditLog,
    webhooks as unknown as WebhookEventsService,
  );
  return { repo, lists, pseudonyms, audit, webhooks, service };
}

describe('ListsService', () => {
  beforeEach(() => jest.useFakeTimers().setSystemTime(new Date('2026-01-31T23:30:00Z')));
  afterEach(() => jest.useRealTimers());

  it('stores an address canonical, audits the entry and sends list.changed, all in the tenant', async () => {
    const { lists, audit, webhooks, service } = make();
    const answer = await service.add(p, { list: 'deny', kind: 'ip', value: ' ::ffff:203.0.113.7 ' });
    const stored = { list: 'deny', kind: 'ip', value: '203.0.113.7', comment: null, expiresAt: null };
    expect(lists.add).toHaveBeenCalledWith(tenantId, stored);
    expect(audit.record).toHaveBeenCalledWith(p, 'list.add', { type: 'list_entry', id: entryId }, undefined, stored);
    expect(webhooks.emit).toHaveBeenCalledWith(tenantId, 'list.changed', `add|${entryId}|${Date.now()}`, {
      action: 'added',
      entryId,
      list: 'deny',
      kind: 'ip',
      changedBy: 'ana@example.com',
    });
    expect(answer).toEqual({ id: entryId, ...stored });
  });

  it('stores a user as its pseudonym and audits only a short prefix of it, never the raw id', async () => {
    const { lists, audit, pseudonyms, service } = make();
    await service.add(p, { list: 'allow', kind: 'user', value: 'hanako@example.jp' });
    const hash = pseudonyms.user(tenantId, 'hanako@example.jp');
    expect(lists.add.mock.calls[0][1].value).toBe(hash);
    const audited = audit.record.mock.calls[0][4];
    expect(audited.value).toBe(`user:${hash.slice(0, 12)}`);
    expect(JSON.stringify(audited)).not.toContain('hanako');
  });

  it('refuses host bits, an unparsable value and a past expiry (by the clock), storing nothing', async () => {
    const { lists, audit, repo, service } = make();
    await expect(service.add(p, { list: 'deny', kind: 'cidr', value: '10.0.0.1/8' })).rejects.toMatchObject({
      status: 400,
    });
    await expect(service.add(p, { list: 'deny', kind: 'ip', value: 'not-an-ip' })).rejects.toMatchObject({
      status: 400,
    });
    repo.isValidCidr.mockResolvedValueOnce(false);
    await expect(service.add(p, { list: 'deny', kind: 'cidr', value: '10.0.0.0/8' })).rejects.toMatchObject({
      status: 400,
    });
    const past = { list: 'deny' as const, kind: 'country' as const, value: 'jp', expiresAt: '2026-01-31T23:29:59Z' };
    await expect(service.add(p, past)).rejects.toMatchObject({ status: 400 });
    expect(lists.add).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
    await service.add(p, { ...past, expiresAt: '2026-02-01T00:00:00Z' });
    expect(lists.add.mock.calls[0][1]).toMatchObject({ value: 'JP', expiresAt: new Date('2026-02-01T00:00:00Z') });
  });

  it('removes an entry only in the tenant; an unknown or malformed id is a 404, nothing audited or sent', async () => {
    const { repo, audit, webhooks, service } = make();
    repo.deleteEntry.mockResolvedValueOnce(null);
    await expect(service.remove(p, entryId)).rejects.toMatchObject({ status: 404 });
    await expect(service.remove(p, 'nope')).rejects.toMatchObject({ status: 404 });
    expect(repo.deleteEntry).toHaveBeenCalledTimes(1);
    expect(audit.record).not.toHaveBeenCalled();
    expect(webhooks.emit).not.toHaveBeenCalled();

    const removed = { list: 'deny', kind: 'ip', value: '203.0.113.7' };
    repo.deleteEntry.mockResolvedValueOnce(removed);
    expect(await service.remove(p, entryId)).toEqual({ id: entryId, removed: true });
    expect(repo.deleteEntry).toHaveBeenLastCalledWith(tenantId, entryId);
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'list.remove',
      { type: 'list_entry', id: entryId },
      removed,
      undefined,
    );
    expect(webhooks.emit.mock.calls[0][3]).toMatchObject({ action: 'removed', entryId, list: 'deny', kind: 'ip' });
  });

  it('truncates listed addresses and blocks for viewers only', async () => {
    const { repo, service } = make();
    const rows = [
      { kind: 'ip', value: '203.0.113.7' },
      { kind: 'cidr', value: '198.51.100.0/24' },
      { kind: 'country', value: 'JP' },
    ];
    repo.listEntries.mockResolvedValue(rows);
    expect((await service.entries(p)).map((r) => r.value)).toEqual(['203.0.113.7', '198.51.100.0/24', 'JP']);
    const viewer = { ...p, role: 'viewer' } as AdminPrincipal;
    const shown = (await service.entries(viewer)).map((r) => r.value);
    expect(shown[0]).toBe('203.0.113.x');
    expect(shown[2]).toBe('JP');
    expect(repo.listEntries).toHaveBeenCalledWith(tenantId);
  });
});
