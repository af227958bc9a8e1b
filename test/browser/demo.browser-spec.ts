import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, personPage, sdkBundle } from '../../fixtures/browser';
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
    // low thresholds, so a first login is challenged and the one-time code can be tried
    await env.sql(`UPDATE tenants SET policy = $2 WHERE id = $1`, [
      keys.tenantId,
      JSON.stringify({ thresholds: { challenge: 5, deny: 100 } }),
    ]);
    writeFileSync(demoFile, JSON.stringify(keys));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(
    page: Page,
    user: string,
    network = 'here',
  ): Promise<{ decision: string; text: string; bodies: string[] }> {
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
    await page.selectOption('select[name=network]', network);
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
      const page = await personPage(browser);
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
    const page = await personPage(browser);
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
    // the form posts to its own URL: wait for the answer page, not the URL
    await Promise.all([page.waitForSelector('h1.decision'), page.click('button[type=submit]')]);
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
    const page = await personPage(browser);
    await page.route('**/v1/collect', (route) => route.abort('connectionrefused'));
    const { text } = await signIn(page, 'taro@example.jp');
    expect(text).toContain('TOKEN_MISSING');
    await page.close();
  });

  it('explains itself: the score on the scale with the thresholds, reasons in words, a challenge passed', async () => {
    const page = await personPage(browser);
    const { decision, text } = await signIn(page, 'sachiko@example.jp', 'datacenter');
    expect(decision).toBe('CHALLENGE');
    expect(text).toContain('reached the challenge threshold (5)');
    expect(text).toContain('0–4: allow · 5–99: challenge (second factor) · 100–100: deny');
    expect(await page.locator('svg.scale rect.mark').count()).toBe(1);
    // the datacenter choice is sent as an AWS Tokyo address: the network signal fires, in words
    expect(text).toContain('DATACENTER_IP');
    expect(text).toContain('network: A datacenter (AWS Tokyo)');
    const stored = await env.sql<{ ip: string }>(
      `SELECT host(ip) AS ip FROM assessments ORDER BY created_at DESC LIMIT 1`,
    );
    expect(stored[0].ip).toBe('13.112.0.1');
    // a wrong code fails the challenge; the code shown on the page passes it, and Kizuki is told
    const code = (await page.textContent('#otp'))!.trim();
    expect(code).toMatch(/^\d{6}$/);
    const id = await page.getAttribute('#challenge input[name=assessmentId]', 'value');
    await page.fill('#challenge input[name=code]', code === '000000' ? '111111' : '000000');
    await Promise.all([page.waitForURL('**/demo/challenge'), page.click('#challenge button')]);
    expect(await page.textContent('h1.decision')).toBe('WRONG CODE');
    await page.goBack();
    await page.fill('#challenge input[name=code]', code);
    await Promise.all([page.waitForURL('**/demo/challenge'), page.click('#challenge button')]);
    expect(await page.textContent('h1.decision')).toBe('CHALLENGE PASSED');
    const labels = await env.sql<{ label: string }>(
      `SELECT label FROM feedback WHERE assessment_id = $1 ORDER BY created_at`,
      [id],
    );
    expect(labels.map((l) => l.label)).toEqual(['challenge_failed', 'challenge_passed']);
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
