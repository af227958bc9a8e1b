// Findings of the outside probe of 2026-12-03 (issue #15) that concern routes: checks keyed on the
// path, the demo's "was this you?" links, and tenants without an origin.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { originsWarning } from '../../apps/cli/src/commands/tenants';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';
import { deleteRedisPrefix } from '../../fixtures/redis-prefix';
import { until } from '../helpers/until';

jest.setTimeout(90_000);

const PASSWORD = 'kizuki-demo-2026';
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };

describe('security of routes: encoded paths, the demo, tenants without an origin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-sec-routes-'));
  const demoFile = join(dir, 'demo.json');
  // a per-IP limit small enough to reach, a per-key limit out of the way
  const env = new KizukiEnv({
    RATE_LIMIT_PER_KEY: '1000',
    RATE_LIMIT_PER_IP: '20',
    RATE_LIMIT_WINDOW_SECONDS: '120',
    KIZUKI_DEMO_FILE: demoFile,
  });
  let shop: Tenant;
  let demo: Tenant;

  beforeAll(async () => {
    await env.start();
    shop = await env.createTenant('Shop', [KizukiEnv.ORIGIN]);
    demo = await env.createTenant('Demo', [env.baseUrl]);
    writeFileSync(demoFile, JSON.stringify(demo));
  });
  // every test collects from 127.0.0.1: each starts on fresh per-IP counters
  beforeEach(() => deleteRedisPrefix(env.config.REDIS_URL, `${env.config.KIZUKI_REDIS_PREFIX}:rl:`));
  afterAll(async () => {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('checks decide on the route Fastify resolved, not the raw URL', () => {
    it('counts POST /v1/%63ollect against the per-IP limit of /v1/collect', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 22; i++) {
        const r = await env.post('/v1/%63ollect', makeBundle({ seed: 900 + i }), {
          'x-kizuki-key': shop.publishableKey,
          origin: KizukiEnv.ORIGIN,
        });
        statuses.push(r.status);
      }
      // the router took the encoded path for /v1/collect: 20 accepted, then the IP's limit
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(202));
      expect(statuses.slice(20)).toEqual([429, 429]);
    });

    it('refuses non-JSON bodies and marks answers no-store on /%61dmin/api and /v1 spelled with escapes', async () => {
      const login = await fetch(`${env.baseUrl}/%61dmin/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'email=a&password=b',
      });
      expect(login.status).toBe(415);
      expect(((await login.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(login.headers.get('cache-control')).toBe('no-store');

      const session = await fetch(`${env.baseUrl}/%61dmin/api/auth/session`);
      expect(session.status).toBe(401);
      expect(session.headers.get('cache-control')).toBe('no-store');

      const assessment = await fetch(`${env.baseUrl}/v1/%61ssessments/00000000-0000-4000-8000-000000000000`, {
        headers: { authorization: `Bearer ${shop.secretKey}` },
      });
      expect(assessment.status).toBe(404);
      expect(assessment.headers.get('cache-control')).toBe('no-store');
    });

    it('leaves pages outside /v1 and /admin/api alone, however spelled', async () => {
      const page = await fetch(`${env.baseUrl}/%64emo`);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBeNull();
    });
  });

  describe('/demo', () => {
    /**
     * A demo sign-in as the demo page's browser does it: collect with the demo key, then POST /demo/login
     * with the token.
     */
    async function demoSignIn(user: string, visitorId: string, password = PASSWORD): Promise<string> {
      const c = await env.post('/v1/collect', makeBundle({ visitorId, storageId: `${visitorId}-s` }), {
        'x-kizuki-key': demo.publishableKey,
        origin: env.baseUrl,
      });
      expect(c.status).toBe(202);
      const res = await fetch(`${env.baseUrl}/demo/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user, password, kizuki_request_token: c.body.requestToken }),
      });
      expect(res.status).toBe(password === PASSWORD ? 200 : 401);
      return res.text();
    }

    it('never shows the "was this you?" links of a sign-in from a device new to the user', async () => {
      let n = 0;
      // the account's first device is trusted; a failed sign-in from a second leaves that one
      // pending, and the api answers it with links (when scored: the worker may answer the first
      // calls degraded while it loads its data)
      const html = await until(
        async () => {
          n++;
          await demoSignIn(`probe-${n}@example.com`, `visitor-demo-first-${n}`);
          const text = await demoSignIn(`probe-${n}@example.com`, `visitor-demo-second-${n}`, 'wrong password');
          return !text.includes('<b>degraded</b>') && text;
        },
        60_000,
        'a scored demo sign-in',
      );
      // what makes the api attach links: a device new to the account, a scored answer, not denied
      expect(html).toMatch(/<h1 class="decision (allow|challenge)">/);
      expect(html).toMatch(/&quot;status&quot;: &quot;(new|pending)&quot;/);
      expect(html).not.toContain('/links/');
      expect(html).not.toContain('lk_');
      expect(html).not.toContain('&quot;links&quot;');
    });

    it('says on the page that it is a demo tenant', async () => {
      const res = await fetch(`${env.baseUrl}/demo`);
      expect(await res.text()).toContain('Demo tenant.');
    });
  });

  describe('a tenant registered without an origin', () => {
    it('accepts collects from no origin at all (403 ORIGIN_NOT_ALLOWED), while its secret key works', async () => {
      const bare = await env.createTenant('No origin', []);
      const origins: Record<string, string>[] = [{ origin: 'https://anywhere.example' }, { origin: env.baseUrl }, {}];
      for (const headers of origins) {
        const r = await env.post('/v1/collect', makeBundle({ seed: 950 }), {
          'x-kizuki-key': bare.publishableKey,
          ...headers,
        });
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
      }
      const risk = await env.post(
        '/v1/risk',
        { event: 'login', status: 'attempted', user: { id: 'u' }, context: { ip: '192.0.2.1' } },
        { authorization: `Bearer ${bare.secretKey}` },
      );
      expect(risk.status).toBe(200);
    });

    it('is created by the CLI with a warning that names --origin', () => {
      expect(originsWarning([])).toMatch(/--origin/);
      expect(originsWarning([])).toMatch(/ORIGIN_NOT_ALLOWED/);
      expect(originsWarning(['https://shop.example'])).toBeNull();
    });
  });
});
