import type { KizukiConfig } from '@kizuki/config';
import type { WebhookRepository } from '@kizuki/webhooks';
import type { AuditLog } from '../common/audit-log.service';
import type { AdminPrincipal } from './auth/admin-session.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const endpointId = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'admin' } as AdminPrincipal;

function make(allowPrivate = false) {
  const repo = {
    countEndpoints: jest.fn().mockResolvedValue(0),
    createEndpoint: jest.fn(async (_t: string, e: { url: string }) => ({
      id: endpointId,
      url: e.url,
      description: null,
    })),
    deleteEndpoint: jest.fn().mockResolvedValue(null),
  };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const config = { KIZUKI_SECRET: 's'.repeat(32), WEBHOOKS_ALLOW_PRIVATE_TARGETS: allowPrivate } as KizukiConfig;
  const service = new WebhookEndpointsService(
    repo as unknown as WebhookRepository,
    audit as unknown as AuditLog,
    config,
  );
  return { repo, audit, service };
}

describe('WebhookEndpointsService', () => {
  it('refuses a private target (400) and an 11th endpoint (409), creating and auditing nothing', async () => {
    const { repo, audit, service } = make();
    const dto = { url: 'http://127.0.0.1:8080/hook', events: ['device.reported' as const] };
    await expect(service.create(p, dto)).rejects.toMatchObject({ status: 400, code: 'WEBHOOK_TARGET_REFUSED' });
    const full = make(true);
    full.repo.countEndpoints.mockResolvedValue(10);
    await expect(full.service.create(p, dto)).rejects.toMatchObject({ status: 409 });
    expect(full.repo.createEndpoint).not.toHaveBeenCalled();
    expect(repo.createEndpoint).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('seals the signing secret at rest, shows it once, and audits the endpoint without it', async () => {
    const { repo, audit, service } = make(true);
    const events = ['device.reported' as const, 'device.reported' as const];
    const { secret } = await service.create(p, { url: 'http://127.0.0.1:8080/hook', events });
    const stored = repo.createEndpoint.mock.calls[0][1] as unknown as {
      secretEnc: string;
      secretPrefix: string;
      events: string[];
    };
    expect(repo.createEndpoint.mock.calls[0][0]).toBe(tenantId);
    expect(stored.secretEnc).not.toContain(secret);
    expect(stored.secretPrefix).toBe(secret.slice(0, 12));
    expect(stored.events).toEqual(['device.reported']);
    expect(audit.record.mock.calls[0].slice(0, 3)).toEqual([
      p,
      'webhook.create',
      { type: 'webhook_endpoint', id: endpointId },
    ]);
    expect(JSON.stringify(audit.record.mock.calls[0])).not.toContain(secret);
  });

  it("removes only the tenant's endpoint: unknown or malformed ids are a 404 with nothing audited", async () => {
    const { repo, audit, service } = make();
    await expect(service.remove(p, endpointId)).rejects.toMatchObject({ status: 404 });
    await expect(service.remove(p, 'nope')).rejects.toMatchObject({ status: 404 });
    expect(repo.deleteEndpoint).toHaveBeenCalledTimes(1);
    expect(repo.deleteEndpoint).toHaveBeenCalledWith(tenantId, endpointId);
    expect(audit.record).not.toHaveBeenCalled();
  });
});
