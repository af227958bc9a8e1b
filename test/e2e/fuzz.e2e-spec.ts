import { createDataSource } from '@kizuki/database';
import { ENDPOINTS, runFuzz, sampleRequests } from '../../bench/lib/fuzz-cases';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(240_000);

const PER_ENDPOINT = Number(process.env.KIZUKI_FUZZ_CASES ?? 200);
const ORIGIN = 'https://shop.example';

/**
 * A sample of bench/fuzz.ts (which sends ≥ 10,000 cases per endpoint): hostile input on every
 * public endpoint (and the console's list reads) gets a 4xx, never a 5xx or a dropped connection,
 * and the api keeps serving.
 */
describe(`fuzzing every public endpoint (${PER_ENDPOINT} cases each)`, () => {
  // rate limits off: the point is what the handlers do with the input
  const env = new KizukiEnv({ RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_IP: '0' });
  let keys: { publishableKey: string; secretKey: string; origin: string; adminCookie: string };

  beforeAll(async () => {
    await env.start();
    const tenant = await env.createTenant('Fuzz', [ORIGIN]);
    // a console session for the console's list reads (cursors, ?ip=)
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, tenant.tenantId, 'fuzz@example.jp', 'admin', 'fuzz console password');
    } finally {
      await db.destroy();
    }
    const signIn = await env.post('/admin/api/auth/login', {
      email: 'fuzz@example.jp',
      password: 'fuzz console password',
    });
    expect(signIn.status).toBe(200);
    keys = { ...tenant, origin: ORIGIN, adminCookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0] };
  });
  afterAll(() => env.stop());

  it.each(ENDPOINTS)('%s: zero 5xx, zero crashes', async (endpoint) => {
    const seed = Number(process.env.KIZUKI_FUZZ_SEED ?? Date.now() % 1e9);
    const tally = await runFuzz(env.baseUrl, sampleRequests(endpoint, keys, PER_ENDPOINT, seed), 4);
    console.log(
      `fuzz ${endpoint} (seed ${seed}): sent ${tally.sent}, skipped by the client ${tally.clientSkipped}, ` +
        `statuses ${JSON.stringify(tally.statuses)}`,
    );
    expect(tally.serverErrors.slice(0, 5)).toEqual([]);
    expect(tally.sent + tally.clientSkipped).toBe(PER_ENDPOINT);
  });

  it('refuses an oversize body with 413 before parsing it, and still serves afterwards', async () => {
    const big = `{"x":"${'a'.repeat(2_000_000)}"}`;
    const r = await fetch(env.baseUrl + '/v1/collect', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kizuki-key': keys.publishableKey, origin: ORIGIN },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await env.get('/health/ready')).status).toBe(200);
    const ok = await env.post('/v1/collect', makeBundle({ seed: 1 }), {
      'x-kizuki-key': keys.publishableKey,
      origin: ORIGIN,
    });
    expect(ok.status).toBe(202);
    // strings PostgreSQL cannot store are refused up front, not accepted and then lost in the queue
    const nul = makeBundle({ seed: 2 }) as unknown as { device: { components: Record<string, string> } };
    nul.device.components.screen = 'x\u0000y';
    expect((await env.post('/v1/collect', nul, { 'x-kizuki-key': keys.publishableKey, origin: ORIGIN })).status).toBe(
      400,
    );
    expect((await env.post('/admin/api/auth/login', { email: 'a\u0000@example.jp', password: 'x' })).status).toBe(400);
    expect(
      (
        await env.post(
          '/v1/risk',
          { event: 'login', status: 'attempted', user: { id: '\ud800' }, context: { ip: '203.0.113.1' } },
          { authorization: `Bearer ${keys.secretKey}` },
        )
      ).status,
    ).toBe(400);
    // prototype pollution did not happen in this process
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
