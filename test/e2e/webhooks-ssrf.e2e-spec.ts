import { createDataSource } from '@kizuki/database';
import { checkWebhookTarget } from '@kizuki/webhooks';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { until } from '../helpers/until';

jest.setTimeout(60_000);

const PASSWORD = 'correct horse battery staple';

describe('webhook targets: private, loopback and link-local addresses are refused (flag off)', () => {
  const env = new KizukiEnv();
  let admin: { cookie: string; csrf: string };

  beforeAll(async () => {
    await env.start();
    const t = await env.createTenant('Shop');
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, t.tenantId, 'admin@shop.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    const r = await env.post('/admin/api/auth/login', { email: 'admin@shop.example', password: PASSWORD });
    admin = { cookie: (r.headers.get('set-cookie') ?? '').split(';')[0], csrf: r.body.csrfToken };
  });
  afterAll(() => env.stop());

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://192.168.1.10/hook',
    'http://localhost:8080/hook',
    // IPv6 spellings of private IPv4 addresses, decided on the parsed address
    'http://[::127.0.0.1]:18080/', // stored as [::7f00:1]
    'http://[::ffff:0:7f00:1]/',
    'http://[::ffff:0:169.254.169.254]/latest/meta-data',
    'http://[0:0:0:0:0:ffff:10.0.0.1]/hook',
    'http://[64:ff9b::192.168.1.10]/hook',
  ])('refuses %s', async (url) => {
    expect(env.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS).toBe(false);
    const r = await env.post(
      '/admin/api/webhooks',
      { url, events: ['list.changed'] },
      { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    );
    expect([r.status, r.body.error.code]).toEqual([400, 'WEBHOOK_TARGET_REFUSED']);
  });

  it(
    'refuses at delivery too: an endpoint stored before the check knew an IPv6 spelling is never posted ' + 'to',
    async () => {
      const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf };
      const made = await env.post(
        '/admin/api/webhooks',
        { url: 'http://93.184.216.34/hook', events: ['list.changed'] },
        headers,
      );
      expect(made.status).toBe(201);
      const id = made.body.item.id as string;
      // as an older api stored [::127.0.0.1] (before any event, so nothing goes to the public address)
      expect(
        await env.sql(`UPDATE webhook_endpoints SET url = 'http://[::7f00:1]:18080/hook' WHERE id = $1 RETURNING id`, [
          id,
        ]),
      ).toEqual([{ id }]);
      expect((await env.post('/admin/api/lists', { list: 'deny', kind: 'country', value: 'KP' }, headers)).status).toBe(
        201,
      );
      const row = await until(
        async () =>
          (
            await env.sql<{ status: string; last_error: string }>(
              `SELECT status, last_error FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'pending'`,
              [id],
            )
          )[0],
        20_000,
        'the delivery attempted',
      );
      expect(row).toEqual({ status: 'refused', last_error: expect.stringContaining('target refused') });
    },
  );

  it('checks every resolved address of a name, and refuses if any one is private', async () => {
    const resolver = (answers: string[]) => async () =>
      answers.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    expect((await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['93.184.216.34']))).ok).toBe(true);
    expect(
      await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['93.184.216.34', '127.0.0.1'])),
    ).toMatchObject({ ok: false });
    expect(await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['fd00::1']))).toMatchObject({
      ok: false,
    });
    expect((await checkWebhookTarget('https://hooks.example.com/x', true, resolver(['127.0.0.1']))).ok).toBe(true);
    expect(
      await checkWebhookTarget('https://user:pw@hooks.example.com/x', false, resolver(['93.184.216.34'])),
    ).toMatchObject({ ok: false });
  });
});
