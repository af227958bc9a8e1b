import { verify } from '@node-rs/argon2';
import { createDataSource } from '@kizuki/database';
import { apiKeyMatches } from '@kizuki/crypto';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { createTenant } from '../../apps/cli/src/commands/tenants';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(30_000);

describe('CLI commands (tenants create, admins create) on a real database', () => {
  const env = new KizukiEnv();
  beforeAll(() => env.start());
  afterAll(() => env.stop());

  it('creates a tenant whose keys are stored only as hashes and work on the API', async () => {
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      const t = await createTenant(db, 'Shop', ['https://shop.example']);
      expect(t.publishableKey).toMatch(/^pk_live_/);
      expect(t.secretKey).toMatch(/^sk_live_/);
      const rows = await env.sql<{ kind: string; prefix: string; hash: string }>(
        `SELECT kind, prefix, hash FROM api_keys WHERE tenant_id = $1`,
        [t.tenantId],
      );
      expect(rows).toHaveLength(2);
      expect(JSON.stringify(rows)).not.toContain(t.secretKey.slice(-20));
      expect(apiKeyMatches(t.secretKey, rows.find((r) => r.kind === 'secret')!.hash)).toBe(true);
      const risk = await env.post(
        '/v1/risk',
        { event: 'login', status: 'attempted', user: { id: 'u' }, context: { ip: '192.0.2.1' } },
        { authorization: `Bearer ${t.secretKey}` },
      );
      expect(risk.status).toBe(200);
      await expect(createTenant(db, 'Bad', ['https://shop.example/login'])).rejects.toThrow(/origin/);

      const admin = await createAdmin(db, t.tenantId, 'Ops@Shop.example', 'analyst', 'correct horse battery staple');
      const [stored] = await env.sql<{ email: string; role: string; password_hash: string }>(
        `SELECT email, role, password_hash FROM admins WHERE id = $1`,
        [admin.id],
      );
      expect(stored.email).toBe('ops@shop.example');
      expect(stored.role).toBe('analyst');
      expect(stored.password_hash).toMatch(/^\$argon2id\$/);
      expect(await verify(stored.password_hash, 'correct horse battery staple')).toBe(true);
      await expect(
        createAdmin(db, t.tenantId, 'x@shop.example', 'root', 'correct horse battery staple'),
      ).rejects.toThrow(/--role/);
      await expect(createAdmin(db, t.tenantId, 'x@shop.example', 'viewer', 'short')).rejects.toThrow(/12 characters/);
      await expect(
        createAdmin(
          db,
          '00000000-0000-4000-8000-000000000000',
          'x@shop.example',
          'viewer',
          'correct horse battery staple',
        ),
      ).rejects.toThrow(/does not exist/);
    } finally {
      await db.destroy();
    }
  });
});
