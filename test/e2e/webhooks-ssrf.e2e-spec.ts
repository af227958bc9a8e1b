import { createDataSource } from '@kizuki/database';
import { checkWebhookTarget } from '@kizuki/queue';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { KizukiEnv } from '../helpers/kizuki-env';

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
  ])('refuses %s', async (url) => {
    expect(env.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS).toBe(false);
    const r = await env.post('/admin/api/webhooks', { url, events: ['list.changed'] }, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
    expect([r.status, r.body.error.code]).toEqual([400, 'WEBHOOK_TARGET_REFUSED']);
  });

  it('checks every resolved address of a name, and refuses if any one is private', async () => {
    const resolver = (answers: string[]) => async () => answers.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    expect((await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['93.184.216.34']))).ok).toBe(true);
    expect(await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['93.184.216.34', '127.0.0.1']))).toMatchObject({ ok: false });
    expect(await checkWebhookTarget('https://hooks.example.com/x', false, resolver(['fd00::1']))).toMatchObject({ ok: false });
    expect((await checkWebhookTarget('https://hooks.example.com/x', true, resolver(['127.0.0.1']))).ok).toBe(true);
    expect(await checkWebhookTarget('https://user:pw@hooks.example.com/x', false, resolver(['93.184.216.34']))).toMatchObject({ ok: false });
  });
});
