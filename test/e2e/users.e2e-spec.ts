import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(30_000);

describe('user devices, export and erasure (/v1/users/:id)', () => {
  const env = new KizukiEnv();
  let a: { tenantId: string; publishableKey: string; secretKey: string };
  let b: { tenantId: string; publishableKey: string; secretKey: string };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    await env.start();
    a = await env.createTenant('A', ['https://x.example']);
    b = await env.createTenant('B');
  });
  afterAll(() => env.stop());

  async function login(
    user: string,
    visitorId: string,
    status = 'succeeded',
  ): Promise<{ id: string; decision: string; device: { id: string; status: string } }> {
    const c = await env.post('/v1/collect', makeBundle({ visitorId, storageId: `${visitorId}-s` }), {
      'x-kizuki-key': a.publishableKey,
      origin: 'https://x.example',
    });
    const r = await env.post(
      '/v1/risk',
      {
        requestToken: c.body.requestToken,
        event: 'login',
        status,
        user: { id: user },
        context: { ip: '198.51.100.4' },
      },
      auth(a.secretKey),
    );
    expect(r.status).toBe(200);
    return r.body;
  }

  it("lists the account's devices, approves and reports one; other tenants and unknown users get 404", async () => {
    await login('yuki@example.jp', 'visitor-users-001');
    const second = await login('yuki@example.jp', 'visitor-users-002', 'attempted');
    const list = await env.get(`/v1/users/${encodeURIComponent('yuki@example.jp')}/devices`, auth(a.secretKey));
    expect(list.status).toBe(200);
    expect(list.body.devices).toHaveLength(2);
    expect(list.body.devices.find((d: { id: string }) => d.id === second.device.id).status).toBe('pending');

    const approve = await env.post(
      `/v1/users/yuki%40example.jp/devices/${second.device.id}/approve`,
      {},
      auth(a.secretKey),
    );
    expect(approve.body).toEqual({ id: second.device.id, status: 'trusted' });
    const report = await env.post(
      `/v1/users/yuki%40example.jp/devices/${second.device.id}/report`,
      {},
      auth(a.secretKey),
    );
    expect(report.body.status).toBe('fraud');
    const after = await env.get(`/v1/users/yuki%40example.jp/devices`, auth(a.secretKey));
    expect(after.body.devices.find((d: { id: string }) => d.id === second.device.id).status).toBe('fraud');
    // A reported device is fraud for the next login from it.
    const next = await login('yuki@example.jp', 'visitor-users-002');
    expect(next.device.status).toBe('fraud');
    expect(next.decision).not.toBe('allow');

    expect((await env.get(`/v1/users/yuki%40example.jp/devices`, auth(b.secretKey))).status).toBe(404);
    expect((await env.get(`/v1/users/nobody/devices`, auth(a.secretKey))).status).toBe(404);
    expect(
      (
        await env.post(
          `/v1/users/yuki%40example.jp/devices/00000000-0000-4000-8000-000000000000/approve`,
          {},
          auth(a.secretKey),
        )
      ).status,
    ).toBe(404);
    expect(
      (await env.post(`/v1/users/yuki%40example.jp/devices/not-a-uuid/report`, {}, auth(a.secretKey))).status,
    ).toBe(404);
  });

  it('exports everything stored about a user, then erases it everywhere', async () => {
    const first = await login('ken@example.jp', 'visitor-users-101');
    await login('ken@example.jp', 'visitor-users-102', 'failed');
    expect(
      (await env.post('/v1/feedback', { assessmentId: first.id, label: 'legit' }, auth(a.secretKey))).status,
    ).toBeLessThan(300);
    // A device shared with another account survives ken's erasure (it is the other account's too).
    await login('ken@example.jp', 'visitor-users-shared');
    await login('aoi@example.jp', 'visitor-users-shared');

    const exported = await env.get('/v1/users/ken%40example.jp/export', auth(a.secretKey));
    expect(exported.status).toBe(200);
    expect(exported.body.assessments).toHaveLength(3);
    expect(exported.body.devices).toHaveLength(3);
    expect(exported.body.signalBundles).toHaveLength(3);
    expect(Array.isArray(exported.body.account.networks)).toBe(true);
    expect(JSON.stringify(exported.body)).not.toContain('ken@example.jp');

    expect((await env.post('/v1/users/ken%40example.jp', {}, auth(b.secretKey))).status).toBe(404);
    const erase = await fetch(`${env.baseUrl}/v1/users/ken%40example.jp`, {
      method: 'DELETE',
      headers: auth(b.secretKey),
    });
    expect(erase.status).toBe(404);
    for (const table of ['feedback', 'assessment_keys', 'token_uses']) {
      expect(await env.sql(`SELECT 1 FROM ${table} WHERE assessment_id = $1`, [first.id])).toHaveLength(1);
    }
    const erased = await fetch(`${env.baseUrl}/v1/users/ken%40example.jp`, {
      method: 'DELETE',
      headers: auth(a.secretKey),
    });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({
      erased: { accounts: 1, assessments: 3, signalBundles: 3, devices: 2, identityDocuments: 0 },
    });
    // what named the erased logins goes too (no foreign key cascades into the partitioned assessments)
    for (const table of ['feedback', 'assessment_keys', 'token_uses']) {
      expect(await env.sql(`SELECT 1 FROM ${table} WHERE assessment_id = $1`, [first.id])).toEqual([]);
    }

    expect((await env.get('/v1/users/ken%40example.jp/export', auth(a.secretKey))).status).toBe(404);
    expect(await env.sql(`SELECT id FROM devices WHERE visitor_id = 'visitor-users-shared'`)).toHaveLength(1);
    expect(
      await env.sql(`SELECT id FROM devices WHERE visitor_id IN ('visitor-users-101', 'visitor-users-102')`),
    ).toHaveLength(0);
    expect((await env.get('/v1/users/aoi%40example.jp/export', auth(a.secretKey))).body.assessments).toHaveLength(1);
  });
});
