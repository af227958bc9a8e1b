import type { AdminConfigRepository } from '@kizuki/database';
import type { AuditLog } from '../../common/audit-log.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { ApiKeysService } from './api-keys.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const keyId = '33333333-3333-4333-8333-333333333333';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'admin' } as AdminPrincipal;
const stored = { id: keyId, kind: 'secret', prefix: 'sk_live_old1', expiresAt: null, revokedAt: null };

function make() {
  const repo = {
    findApiKey: jest.fn(async (t: string, id: string) => (t === tenantId && id === keyId ? stored : null)),
    createApiKey: jest.fn(async (_t: string, k: { prefix: string }) => ({ id: keyId, prefix: k.prefix })),
    rotateApiKey: jest.fn(async (_t: string, id: string, k: { prefix: string }) => ({ id, prefix: k.prefix })),
    revokeApiKey: jest.fn().mockResolvedValue(true),
  };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  return {
    repo,
    audit,
    service: new ApiKeysService(repo as unknown as AdminConfigRepository, audit as unknown as AuditLog),
  };
}

describe('ApiKeysService', () => {
  afterEach(() => jest.useRealTimers());

  it("revokes a key only in the admin's tenant: another tenant's or a malformed id is a 404", async () => {
    const { repo, audit, service } = make();
    const other = { ...p, tenantId: '44444444-4444-4444-8444-444444444444' } as AdminPrincipal;
    await expect(service.revoke(other, keyId)).rejects.toMatchObject({ status: 404 });
    await expect(service.revoke(p, 'sk_live_old1')).rejects.toMatchObject({ status: 404 });
    expect(repo.revokeApiKey).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();

    expect(await service.revoke(p, keyId)).toEqual({ id: keyId, revoked: true });
    expect(repo.revokeApiKey).toHaveBeenCalledWith(tenantId, keyId);
    const revoked = { prefix: 'sk_live_old1', revoked: true };
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'api_key.revoke',
      { type: 'api_key', id: keyId },
      { ...revoked, revoked: false },
      revoked,
    );
  });

  it('shows a new key once and audits its prefix, never the key', async () => {
    const { repo, audit, service } = make();
    const r = await service.create(p, { kind: 'publishable', label: 'web' });
    const { prefix, hash } = repo.createApiKey.mock.calls[0][1] as { prefix: string; hash: string };
    expect(r.key.startsWith(prefix)).toBe(true);
    expect(hash).not.toContain(r.key);
    expect(audit.record.mock.calls[0].slice(0, 2)).toEqual([p, 'api_key.create']);
    expect(JSON.stringify(audit.record.mock.calls[0])).not.toContain(r.key);
    expect(audit.record.mock.calls[0][4]).toEqual({ kind: 'publishable', prefix, label: 'web' });
  });

  it('rotates with the old key working for the overlap after the clock; a key not active is a 409', async () => {
    jest.useFakeTimers().setSystemTime(new Date('2026-12-31T23:30:00Z'));
    const { repo, audit, service } = make();
    const r = await service.rotate(p, keyId, { overlapHours: 2 });
    const until = new Date('2027-01-01T01:30:00Z');
    expect(r.oldKeyExpiresAt).toEqual(until);
    expect(repo.rotateApiKey).toHaveBeenCalledWith(
      tenantId,
      keyId,
      expect.objectContaining({ prefix: r.item.prefix }),
      until,
    );
    expect(audit.record.mock.calls[0][4]).toEqual({
      prefix: 'sk_live_old1',
      expiresAt: until,
      replacedBy: r.item.prefix,
    });
    expect((await service.rotate(p, keyId, {})).oldKeyExpiresAt).toEqual(new Date('2027-01-01T23:30:00Z'));

    repo.rotateApiKey.mockResolvedValueOnce(null as never);
    await expect(service.rotate(p, keyId, {})).rejects.toMatchObject({ status: 409 });
    expect(audit.record).toHaveBeenCalledTimes(2);
  });
});
