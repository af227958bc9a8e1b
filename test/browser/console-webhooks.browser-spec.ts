// The console's Webhooks screen in real Chromium against the real api, worker, PostgreSQL and Redis,
// delivering to a receiver on 127.0.0.1 (allowed by WEBHOOKS_ALLOW_PRIVATE_TARGETS in this env only).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDataSource } from '@kizuki/database';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import { verifyWebhookSignature } from '../../libs/client/src';
import {
  brokenConsoleWords,
  consoleEnglishLabels,
  cutConsoleLabels,
  launchChromium,
  ROOT,
  signInToConsole,
  startServer,
  type TestServer,
} from '../../fixtures/browser';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(180_000);

const ORIGIN = 'https://shop.example';
const PASSWORD = 'correct horse battery staple';
const SHOTS = resolve(ROOT, 'test-artifacts/console');

describe('console: Webhooks screen', () => {
  const env = new KizukiEnv({ WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true' });
  let tenant: { tenantId: string; publishableKey: string; secretKey: string };
  let receiver: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  async function open(locale: string): Promise<Page> {
    const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('dialog', (d) => void d.accept());
    return page;
  }

  const signIn = (page: Page, email: string) => signInToConsole(page, env.baseUrl, email, PASSWORD);

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

  /** A failed login after collecting a bundle, repeated until the score job challenges (BRUTE_FORCE). */
  async function challengedLogin(): Promise<string> {
    for (let i = 0; i < 10; i++) {
      const c = await env.post('/v1/collect', makeBundle({ seed: 40 + i, visitorId: 'visitor-webhooks-01' }), {
        'x-kizuki-key': tenant.publishableKey,
        origin: ORIGIN,
      });
      expect(c.status).toBe(202);
      const r = await env.post(
        '/v1/risk',
        {
          requestToken: c.body.requestToken,
          event: 'login',
          status: 'failed',
          user: { id: 'kenji@example.jp' },
          context: { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126' },
        },
        { authorization: `Bearer ${tenant.secretKey}` },
      );
      expect(r.status).toBe(200);
      if (r.body.decision === 'challenge') return r.body.id;
    }
    throw new Error('no challenge after 10 failed logins');
  }

  beforeAll(async () => {
    // Always rebuild: the screen under test must be the one in the source tree.
    execFileSync(process.execPath, [resolve(ROOT, 'apps/console/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    tenant = await env.createTenant('Shop W', [ORIGIN]);
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, tenant.tenantId, 'admin@w.example', 'admin', PASSWORD);
      await createAdmin(db, tenant.tenantId, 'analyst@w.example', 'analyst', PASSWORD);
    } finally {
      await db.destroy();
    }
    receiver = await startServer((_req, res) => void res.writeHead(200).end('ok'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await receiver?.close();
    await env.stop();
  });

  it(
    'an admin adds an endpoint (secret shown once), a challenged login is delivered and shows in the log; ' +
      'disable, delete',
    async () => {
      const page = await open('en-US');
      await signIn(page, 'admin@w.example');
      await page.click('nav.side >> text=Webhooks');
      await page.waitForSelector('#webhook-form');
      // The list arrives after the form: wait for it rather than read the page too early.
      await page.waitForSelector('text=No endpoints yet.');

      // A refused target (credentials in the URL) is explained, nothing is saved.
      await page.fill('#webhook-form input[name=url]', 'http://user:pw@127.0.0.1:9/hook');
      await page.click('#webhook-form button[type=submit]');
      await page.waitForSelector('#webhook-refused');
      expect(await page.textContent('#webhook-refused')).toContain('This URL cannot receive webhooks.');
      expect(await page.textContent('#webhook-refused')).toContain('no credentials in the URL');
      await shot(page, '14-webhooks-refused');

      // Create: URL + events; the secret is shown once.
      const url = `${receiver.url}/hooks/kizuki`;
      await page.fill('#webhook-form input[name=url]', url);
      await page.fill('#webhook-form input[name=description]', 'login alerts');
      await page.check('#webhook-form input[value="list.changed"]');
      await page.uncheck('#webhook-form input[value="assessment.deny"]');
      await page.click('#webhook-form button[type=submit]');
      await page.waitForSelector('#webhook-secret code.secret');
      expect(await page.locator('#webhook-refused').count()).toBe(0);
      const secret = (await page.textContent('#webhook-secret code.secret'))!.trim();
      expect(secret).toMatch(/^whsec_/);
      await page.waitForSelector(`#webhook-table >> text=${url}`);
      const rows = await env.sql<{ id: string; url: string; events: string[]; enabled: boolean }>(
        `SELECT id, url, events, enabled FROM webhook_endpoints WHERE tenant_id = $1`,
        [tenant.tenantId],
      );
      expect(rows).toEqual([
        { id: expect.any(String), url, events: ['assessment.challenge', 'list.changed'], enabled: true },
      ]);
      await shot(page, '15-webhooks-created');

      // A challenge from /v1/collect + /v1/risk reaches the receiver, signed, and the log shows it.
      const assessmentId = await challengedLogin();
      const delivered = await page.waitForSelector('#webhook-deliveries tr[data-status="delivered"]', {
        timeout: 30_000,
      });
      const text = (await delivered.textContent())!;
      expect(text).toContain('assessment.challenge');
      expect(text).toContain('delivered');
      expect(text).toContain('200');
      const got = receiver.requests.filter((r) => r.path === '/hooks/kizuki');
      expect(got.length).toBeGreaterThanOrEqual(1);
      const event = verifyWebhookSignature(
        got[got.length - 1].body,
        got[got.length - 1].headers['kizuki-signature'],
        secret,
      );
      expect(event).toMatchObject({ type: 'assessment.challenge', data: { assessmentId, decision: 'challenge' } });
      await shot(page, '16-webhooks-deliveries');

      // The secret is not shown again.
      await page.reload();
      await page.waitForSelector('#webhook-table tbody tr');
      expect(await page.locator('#webhook-secret').count()).toBe(0);
      expect(await page.textContent('main')).not.toContain(secret);
      await shot(page, 'webhooks-en');

      // Japanese
      await page.click('#lang-ja');
      await page.waitForSelector('#webhook-deliveries tr[data-status="delivered"] >> text=配信済み');
      expect(await page.textContent('#webhook-form')).toContain('エンドポイントを追加');
      expect(await consoleEnglishLabels(page)).toEqual([]);
      expect(await cutConsoleLabels(page)).toEqual([]);
      expect(await brokenConsoleWords(page)).toEqual([]);
      await shot(page, 'webhooks-ja');
      await page.fill('#webhook-form input[name=url]', 'ftp://127.0.0.1/hook');
      await page.click('#webhook-form button[type=submit]');
      await page.waitForSelector('#webhook-refused >> text=このURLにはWebhookを送信できません。');
      await shot(page, '18-webhooks-refused-ja');
      await page.click('#lang-en');

      // Disable, enable, delete — audited.
      await page.click('#webhook-table tbody tr:first-child button.toggle');
      await page.waitForSelector('#webhook-table tbody tr:first-child >> text=Disabled');
      expect(
        (
          await env.sql<{ enabled: boolean }>(`SELECT enabled FROM webhook_endpoints WHERE tenant_id = $1`, [
            tenant.tenantId,
          ])
        )[0].enabled,
      ).toBe(false);
      await page.click('#webhook-table tbody tr:first-child button.toggle');
      await page.waitForSelector('#webhook-table tbody tr:first-child >> text=Enabled');
      await page.click('#webhook-table tbody tr:first-child button.delete');
      await page.waitForSelector('text=No endpoints yet.');
      expect(await env.sql(`SELECT id FROM webhook_endpoints WHERE tenant_id = $1`, [tenant.tenantId])).toEqual([]);
      const audit = await env.sql<{ action: string }>(
        `SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'webhook.%' ORDER BY created_at`,
        [tenant.tenantId],
      );
      expect(audit.map((a) => a.action)).toEqual([
        'webhook.create',
        'webhook.update',
        'webhook.update',
        'webhook.delete',
      ]);
    },
  );

  it('an analyst has no Webhooks screen and the API refuses it', async () => {
    const page = await open('en-US');
    await signIn(page, 'analyst@w.example');
    expect(await page.locator('nav.side >> text=Webhooks').count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/admin/api/webhooks')).status);
    expect(status).toBe(403);
  });
});
