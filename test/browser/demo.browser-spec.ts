import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sdkBundle } from '../../fixtures/browser';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(60_000);

const PASSWORD = 'kizuki-demo-2026';

describe('demo login page in Chromium, against the real api, worker, PostgreSQL and Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-demo-'));
  const demoFile = join(dir, 'demo.json');
  const env = new KizukiEnv({ KIZUKI_DEMO_FILE: demoFile });
  let browser: Browser;

  beforeAll(async () => {
    sdkBundle();
    await env.start();
    const keys = await env.createTenant('Demo', [env.baseUrl]);
    writeFileSync(demoFile, JSON.stringify(keys));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(page: Page, user: string): Promise<{ decision: string; text: string; bodies: string[] }> {
    const bodies: string[] = [];
    page.on('request', (r) => {
      const body = r.postData();
      if (body) bodies.push(body);
    });
    await page.goto(`${env.baseUrl}/demo`);
    await page.mouse.move(100, 100);
    await page.mouse.move(300, 220, { steps: 12 });
    await page.click('input[name=username]');
    await page.keyboard.type(user, { delay: 60 });
    await page.click('input[name=password]');
    await page.keyboard.type(PASSWORD, { delay: 110 });
    await Promise.all([page.waitForURL('**/demo/login'), page.click('button[type=submit]')]);
    return {
      decision: (await page.textContent('h1.decision'))!.trim(),
      text: (await page.textContent('main'))!,
      bodies,
    };
  }

  it(
    'a login through the SDK gets a decision from /v1/risk, and the password never leaves in the ' + 'signals',
    async () => {
      const page = await browser.newPage();
      const { decision, text, bodies } = await signIn(page, 'hanako@example.jp');
      expect(['ALLOW', 'CHALLENGE', 'DENY']).toContain(decision);
      expect(text).not.toContain('TOKEN_MISSING');
      expect(text).toContain('NEW_USER');
      const collect = bodies.filter((b) => b.includes('"typing"'));
      expect(collect).toHaveLength(1);
      expect(collect[0]).not.toContain(PASSWORD);
      expect(collect[0]).not.toContain('hanako');
      const stored = await env.sql<{ payload: unknown }>(`SELECT payload FROM signal_bundles`);
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain(PASSWORD);
      // The automated browser is seen for what it is.
      expect(JSON.stringify(stored[0].payload)).toMatch(/"webdriver":true/);
      await page.close();
    },
  );

  it('a sign-up on the registration form is scored as a registration with only the e-mail domain', async () => {
    const page = await browser.newPage();
    const bodies: string[] = [];
    page.on('request', (r) => {
      const body = r.postData();
      if (body) bodies.push(body);
    });
    await page.goto(`${env.baseUrl}/demo`);
    await Promise.all([page.waitForURL('**/demo/register'), page.click('a[href="/demo/register"]')]);
    await page.mouse.move(120, 140);
    await page.mouse.move(320, 240, { steps: 10 });
    await page.click('input[name=email]');
    await page.keyboard.type('sakura.kimura@yopmail.com', { delay: 55 });
    await page.click('input[name=password]');
    await page.keyboard.type('a new secret 2026', { delay: 95 });
    await Promise.all([page.waitForURL('**/demo/register'), page.click('button[type=submit]')]);
    const text = (await page.textContent('main'))!;
    expect(['ALLOW', 'CHALLENGE', 'DENY']).toContain((await page.textContent('h1.decision'))!.trim());
    expect(text).toContain('DISPOSABLE_EMAIL');
    expect(text).toContain('"emailDomain": "yopmail.com"');
    expect(text).not.toMatch(/TOKEN_(MISSING|INVALID)/);
    expect(text).not.toContain('NEW_USER');
    const collect = bodies.filter((b) => b.includes('"typing"'));
    expect(collect).toHaveLength(1);
    expect(JSON.parse(collect[0]).page.event).toBe('registration');
    expect(collect[0]).not.toContain('sakura');
    const [row] = await env.sql<{ event: string; reasons: { code: string }[] }>(
      `SELECT event, reasons FROM assessments WHERE event = 'registration'`,
    );
    expect(row.event).toBe('registration');
    await page.close();
  });

  it('with the collect endpoint down the form still submits and the risk call reports TOKEN_MISSING', async () => {
    const page = await browser.newPage();
    await page.route('**/v1/collect', (route) => route.abort('connectionrefused'));
    const { text } = await signIn(page, 'taro@example.jp');
    expect(text).toContain('TOKEN_MISSING');
    await page.close();
  });

  it('serves the SDK bundle to any origin', async () => {
    const res = await fetch(`${env.baseUrl}/sdk/kizuki.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await res.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${env.baseUrl}/sdk/other.js`)).status).toBe(404);
  });
});
