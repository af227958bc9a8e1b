// The admin console in real Chromium against the real api, worker, PostgreSQL and Redis.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDataSource } from '@kizuki/database';
import type { SignalBundle } from '@kizuki/contract';
import { createAdmin } from '../../apps/cli/src/commands/admins';
import {
  brokenConsoleWords,
  consoleEnglishLabels,
  cutConsoleLabels,
  launchChromium,
  ROOT,
  signInToConsole,
} from '../../fixtures/browser';
import { makeBundle } from '../../fixtures/factories';
import { KizukiEnv } from '../../fixtures/kizuki-env';

jest.setTimeout(180_000);

const ORIGIN = 'https://shop.example';
const PASSWORD = 'correct horse battery staple';
const SHOTS = resolve(ROOT, 'test-artifacts/console');
type Tenant = { tenantId: string; publishableKey: string; secretKey: string };

describe('admin console in Chromium', () => {
  const env = new KizukiEnv();
  let a: Tenant;
  let b: Tenant;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let suspiciousId = '';
  let bLoginId = '';

  async function risk(
    t: Tenant,
    user: string,
    ip: string,
    bundle: SignalBundle | null,
    status = 'succeeded',
    event = 'login',
  ) {
    let requestToken: string | undefined;
    if (bundle)
      requestToken = (await env.post('/v1/collect', bundle, { 'x-kizuki-key': t.publishableKey, origin: ORIGIN })).body
        .requestToken;
    const r = await env.post(
      '/v1/risk',
      {
        requestToken,
        event,
        status,
        user: { id: user },
        context: { ip, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126', acceptLanguage: 'ja-JP,ja;q=0.9' },
      },
      { authorization: `Bearer ${t.secretKey}` },
    );
    expect(r.status).toBe(200);
    return r.body as { id: string; decision: string; reasons: { code: string }[] };
  }

  async function open(locale: string): Promise<Page> {
    const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    return ctx.newPage();
  }

  const signIn = (page: Page, email: string) => signInToConsole(page, env.baseUrl, email, PASSWORD);

  // a long list is shot at the viewport's height (its first screen): docs/img/console keeps each PNG ≤ 250 KB
  const shot = (page: Page, name: string, fullPage = true) =>
    page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });

  /**
   * A Japanese screen as a Japanese analyst must read it: no English label left (technical names
   * aside), no label cut off nor a word broken over two lines, every date as 2026/12/03 22:10 and the time zone shown.
   */
  async function expectJapaneseScreen(page: Page) {
    await page.waitForSelector('main h1');
    expect({ url: page.url(), english: await consoleEnglishLabels(page) }).toEqual({ url: page.url(), english: [] });
    expect({ url: page.url(), cut: await cutConsoleLabels(page) }).toEqual({ url: page.url(), cut: [] });
    expect({ url: page.url(), broken: await brokenConsoleWords(page) }).toEqual({ url: page.url(), broken: [] });
    // and every table fits its card at 1280 px (no sideways scrolling inside it)
    const scrolling = await page.evaluate(
      () =>
        Array.from((globalThis as any).document.querySelectorAll('.tbl-wrap')).filter(
          (w: any) => w.scrollWidth > w.clientWidth + 1,
        ).length,
    );
    expect({ url: page.url(), scrolling }).toEqual({ url: page.url(), scrolling: 0 });
    const main = (await page.textContent('main')) ?? '';
    expect(main).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b|\b\d{2}\/\d{2}\/\d{4}\b/);
    expect(await page.textContent('#tz')).toBe('Asia/Tokyo');
  }

  async function api(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return page.evaluate(
      async ({ method, path, body }) => {
        const me = (await (await fetch('/admin/api/auth/session')).json()) as { csrfToken: string };
        const res = await fetch(`/admin/api${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      { method, path, body },
    );
  }

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/console/index.html')))
      execFileSync(process.execPath, [resolve(ROOT, 'apps/console/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    a = await env.createTenant('Shop A', [ORIGIN]);
    b = await env.createTenant('Shop B', [ORIGIN]);
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, a.tenantId, 'analyst@a.example', 'admin', PASSWORD);
      await createAdmin(db, a.tenantId, 'viewer@a.example', 'viewer', PASSWORD);
      await createAdmin(db, b.tenantId, 'admin@b.example', 'admin', PASSWORD);
    } finally {
      await db.destroy();
    }
    // Traffic: alice logs in from her device until her typing profile is active, others log in normally…
    for (let i = 0; i < 7; i++)
      await risk(
        a,
        'alice@example.jp',
        '203.0.113.10',
        makeBundle({ seed: 100 + i, visitorId: 'visitor-alice-0001', storageId: 'storage-alice' }),
      );
    for (let i = 0; i < 4; i++)
      await risk(
        a,
        `user${i}@example.jp`,
        `203.0.113.${20 + i}`,
        makeBundle({ seed: 200 + i, visitorId: `visitor-user-${i}xx`, storageId: `st-${i}` }),
      );
    // a sign-up, for the event filter
    await risk(
      a,
      'newbie@example.jp',
      '203.0.113.30',
      makeBundle({ seed: 300, visitorId: 'visitor-newbie-01' }),
      'succeeded',
      'registration',
    );
    // …then an attacker: a new device, a slower rhythm, from another network, and a burst of failures.
    const attacker = makeBundle({ seed: 999, visitorId: 'visitor-attacker-01', storageId: null });
    attacker.device.components = {
      screen: '1366x768',
      timezone: 'Europe/Moscow',
      languages: 'ru-RU,ru',
      platform: 'Win32',
      hardwareConcurrency: 4,
    };
    for (const f of attacker.typing.fields)
      f.keys = f.keys.map((k, i) => ({ ...k, d: k.d * 2.2 + i * 40, u: k.u * 2.2 + i * 40 + 90 }));
    for (let i = 0; i < 6; i++) await risk(a, 'alice@example.jp', '198.51.100.66', null, 'failed');
    suspiciousId = (await risk(a, 'alice@example.jp', '198.51.100.66', attacker)).id;
    bLoginId = (
      await risk(b, 'only-in-b@example.jp', '192.0.2.200', makeBundle({ seed: 5, visitorId: 'visitor-b-000001' }))
    ).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await env.stop();
  });

  it('an analyst signs in, sees the traffic, reads a suspicious login, labels it and deny-lists its IP', async () => {
    const page = await open('en-US');
    await page.goto(`${env.baseUrl}/console/`);
    await page.waitForSelector('#signin-form');
    expect(await page.textContent('#signin-form h1')).toBe('Sign in');
    await shot(page, 'signin-en');
    await signIn(page, 'analyst@a.example');

    // Dashboard: the totals and the chart show the traffic the test produced.
    await page.waitForSelector('.kpis');
    const total = await page.textContent('.kpi:first-child .kpi-v');
    const expected = (
      await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM assessments WHERE tenant_id = $1`, [a.tenantId])
    )[0].n;
    expect(Number(total!.replace(/,/g, ''))).toBe(expected);
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(0);
    expect(await page.textContent('main')).toContain('BRUTE_FORCE');
    await shot(page, 'dashboard-en');

    // Logins list: every login of tenant A, newest first; B's never.
    await page.click('nav.side >> text=Logins');
    await page.waitForSelector('table.logins tbody tr');
    expect(await page.locator('table.logins tbody tr').count()).toBe(expected);
    expect(await page.getAttribute('table.logins tbody tr:first-child', 'data-id')).toBe(suspiciousId);
    expect(await page.textContent('main')).not.toContain('192.0.2.200');
    await shot(page, 'logins-en', false);

    // Filter by the raw user id (pseudonymised by the api) and by decision.
    await page.fill('input[name=user]', 'alice@example.jp');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/user=alice/);
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('table.logins tbody tr').length === 14,
    );

    // Detail: reasons in words, and the typing rhythm against the profile.
    await page.click(`table.logins tbody tr[data-id="${suspiciousId}"] a >> nth=0`);
    await page.waitForSelector('ul.reasons li');
    const reasons = await page.textContent('ul.reasons');
    expect(reasons).toContain('TYPING_MISMATCH');
    expect(reasons).toContain("The typing rhythm differs from the account's usual rhythm.");
    expect(reasons).toContain('Repeated failed passwords on this account.');
    expect(await page.locator('svg.rhythm').count()).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#typing')).toContain('active');
    await shot(page, 'login-detail-en');

    // Fraud asks first (it marks the device fraud tenant-wide)
    page.once('dialog', (d) => void d.accept());
    await page.click('#label-fraud');
    await page.waitForSelector('.head-right .l-fraud');
    const fb = await env.sql<{ source: string; label: string }>(
      `SELECT source, label FROM feedback WHERE assessment_id = $1`,
      [suspiciousId],
    );
    expect(fb).toEqual([{ source: 'console', label: 'fraud' }]);

    // Account screen
    await page.click('text=Open account');
    await page.waitForSelector('text=Devices');
    expect(await page.textContent('main')).toContain('trusted');
    await shot(page, 'account-en');

    // IP summary
    await page.click('nav.side >> text=IP summary');
    await page.waitForSelector('main table tbody tr');
    expect(await page.textContent('main table tbody tr:first-child')).toContain('198.51.100.66');
    await shot(page, 'ips-en');

    // Deny-list the attacker's IP: the next login from it is denied.
    await page.click('nav.side >> text=Lists');
    await page.selectOption('#list-form select[name=kind]', 'ip');
    await page.fill('#list-form input[name=value]', '198.51.100.66');
    await page.fill('#list-form input[name=comment]', 'credential stuffing source');
    await page.click('#list-form button[type=submit]');
    await page.waitForSelector('#list-table >> text=198.51.100.66');
    // a bad value is refused with the server's message
    await page.selectOption('#list-form select[name=kind]', 'cidr');
    await page.fill('#list-form input[name=value]', '198.51.100.7/24');
    await page.click('#list-form button[type=submit]');
    await page.waitForSelector('.error >> text=host bits');
    await shot(page, 'lists-en');
    const next = await risk(
      a,
      'alice@example.jp',
      '198.51.100.66',
      makeBundle({ seed: 7, visitorId: 'visitor-alice-0001', storageId: 'storage-alice' }),
    );
    expect(next.decision).toBe('deny');
    expect(next.reasons.map((r) => r.code)).toContain('DENYLISTED');
    await page.click('nav.side >> text=Logins');
    await page.waitForSelector(`table.logins tbody tr[data-id="${next.id}"]`);
    expect(await page.textContent(`table.logins tbody tr[data-id="${next.id}"]`)).toContain('DENYLISTED');

    // Policy with a backtest preview
    await page.click('nav.side >> text=Policy');
    await page.fill('input[name=challenge]', '20');
    await page.click('#backtest');
    await page.waitForSelector('text=would be decided differently');
    await shot(page, 'policy-en');
    // the per-account typing calibration's target: saved as a rate, shown as a percentage after a reload
    await page.fill('input[name=challenge]', '40');
    await page.fill('input[name=typing-false-challenge]', '2.5');
    await page.click('#save-policy');
    await page.waitForSelector('.filter-actions >> text=Saved.');
    const saved = await api(page, 'GET', '/policy');
    expect(saved.body.policy.typing.falseChallengeRate).toBeCloseTo(0.025, 6);
    expect(saved.body.policy.thresholds.challenge).toBe(40);
    await page.click('nav.side >> text=Logins');
    await page.click('nav.side >> text=Policy');
    await page.waitForSelector('input[name=typing-false-challenge]');
    expect(await page.inputValue('input[name=typing-false-challenge]')).toBe('2.5');
    // out of range (the API accepts 0.01–20 %): said next to the field, nothing can be saved
    await page.fill('input[name=typing-false-challenge]', '25');
    await page.waitForSelector('#typing-false-challenge-error >> text=0.01 to 20');
    expect(await page.isDisabled('#save-policy')).toBe(true);
    expect((await api(page, 'GET', '/policy')).body.policy.typing.falseChallengeRate).toBeCloseTo(0.025, 6);
    await page.fill('input[name=typing-false-challenge]', '1');
    await page.click('#save-policy');
    await page.waitForSelector('.filter-actions >> text=Saved.');

    await page.click('nav.side >> text=API keys');
    await page.waitForSelector('main table tbody tr');
    await shot(page, 'keys-en');
    await page.click('nav.side >> text=Team');
    // The audit log loads after the team list: wait for its rows, then read them.
    await page.waitForSelector('main table >> text=List entry added');
    expect(await page.textContent('main')).toContain('198.51.100.66');
    await shot(page, 'team-audit-en');
    await page.click('nav.side >> text=My account');
    await page.waitForSelector('select[name=timeZone]');
    await shot(page, 'settings-en');

    // Switch to Japanese: every screen follows.
    await page.click('#lang-ja');
    await page.waitForSelector('nav.side >> text=ダッシュボード');
    await page.click('nav.side >> text=ダッシュボード');
    await page.waitForSelector('text=判定の推移');
    expect(await page.evaluate(() => (globalThis as any).document.documentElement.lang)).toBe('ja');
    await expectJapaneseScreen(page);
    await shot(page, 'dashboard-ja');
    await page.click('nav.side >> text=ログイン一覧');
    await page.waitForSelector('table.logins tbody tr');
    expect(await page.textContent('table.logins thead')).toContain('判定');
    // the date filters are typed as dates are shown, whatever the browser's locale (en-US here)
    expect(await page.getAttribute('input[name=from]', 'placeholder')).toBe('2026/12/03 22:10');
    await expectJapaneseScreen(page);
    await shot(page, 'logins-ja', false);
    await page.click('nav.side >> text=個人設定');
    await page.waitForSelector('select[name=timeZone]');
    await expectJapaneseScreen(page);
    await shot(page, 'settings-ja');
    await page.goto(`${env.baseUrl}/console/logins/${suspiciousId}`);
    await page.waitForSelector('text=判定理由');
    expect(await page.textContent('ul.reasons')).toContain('タイピングのリズムが普段と異なります。');
    await expectJapaneseScreen(page);
    await shot(page, 'login-detail-ja');

    // …and the rest of the screens, on the same data, as a Japanese analyst reads them at 1280 px
    await page.click('text=アカウント詳細');
    await page.waitForSelector('h2 >> text=端末');
    await expectJapaneseScreen(page);
    await shot(page, 'account-ja');
    await page.click('nav.side >> text=IP集計');
    await page.waitForSelector('main table tbody tr');
    await expectJapaneseScreen(page);
    await shot(page, 'ips-ja');
    await page.click('nav.side >> text=リスト');
    await page.waitForSelector('#list-table >> text=198.51.100.66');
    await expectJapaneseScreen(page);
    await shot(page, 'lists-ja');
    // a refused value reads in Japanese (the server's English stays in the tooltip)
    await page.selectOption('#list-form select[name=kind]', 'cidr');
    await page.fill('#list-form input[name=value]', '198.51.100.7/24');
    await page.click('#list-form button[type=submit]');
    const refused = page.locator('.error[role=alert]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('入力内容に誤りがあります');
    expect(await refused.textContent()).not.toContain('host bits');
    expect(await refused.getAttribute('title')).toContain('host bits');
    await expectJapaneseScreen(page);
    await page.click('nav.side >> text=ポリシー');
    await page.fill('input[name=challenge]', '20');
    await page.click('#backtest');
    await page.waitForSelector('text=件の判定が変わります');
    await expectJapaneseScreen(page);
    await shot(page, 'policy-ja');
    await page.click('nav.side >> text=APIキー');
    await page.waitForSelector('main table tbody tr');
    await expectJapaneseScreen(page);
    await shot(page, 'keys-ja');
    await page.click('nav.side >> text=チーム');
    await page.waitForSelector('main table >> text=リストに追加');
    await expectJapaneseScreen(page);
    await shot(page, 'team-audit-ja');
  });

  it('filters the logins by event, with the events named in Japanese', async () => {
    const page = await open('ja-JP');
    await page.goto(`${env.baseUrl}/console/`);
    await signIn(page, 'analyst@a.example');
    await page.goto(`${env.baseUrl}/console/logins`);
    await page.waitForSelector('select[name=event]');
    const options = await page.locator('select[name=event] option').allTextContents();
    expect(options).toEqual([
      'すべて',
      'ログイン',
      '新規登録',
      'パスワード再設定の依頼',
      'パスワード再設定',
      '登録情報の変更',
    ]);
    await page.selectOption('select[name=event]', 'registration');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL('**/logins?event=registration');
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('table.logins tbody tr').length === 1,
    );
    expect(await page.locator('table.logins tbody td.event').allTextContents()).toEqual(['新規登録']);
    await shot(page, '14-logins-registration-ja');
  });

  it('defaults to Japanese in a Japanese browser', async () => {
    const page = await open('ja-JP');
    await page.goto(`${env.baseUrl}/console/`);
    await page.waitForSelector('#signin-form');
    expect(await page.textContent('#signin-form h1')).toBe('ログイン');
    await shot(page, 'signin-ja');
  });

  it('a viewer sees truncated IPs, no actions, and the API refuses changes with 403', async () => {
    const page = await open('en-US');
    await signIn(page, 'viewer@a.example');
    await page.click('nav.side >> text=Logins');
    await page.waitForSelector('table.logins tbody tr');
    const ips = await page.locator('table.logins tbody tr td.ip').allTextContents();
    expect(ips.length).toBeGreaterThan(0);
    for (const ip of ips) expect(ip).toMatch(/^(\d+\.\d+\.\d+\.x|—)$/);
    expect(await page.locator('table.logins button').count()).toBe(0);
    expect(await page.locator('nav.side >> text=API keys').count()).toBe(0);
    await shot(page, 'viewer-logins-en', false);
    await page.click('#lang-ja');
    await page.waitForSelector('table.logins thead >> text=判定');
    await expectJapaneseScreen(page);
    await shot(page, 'viewer-logins-ja', false);
    await page.click('#lang-en');
    const label = await api(page, 'POST', `/logins/${suspiciousId}/label`, { label: 'legit' });
    expect(label.status).toBe(403);
    const list = await api(page, 'POST', '/lists', { list: 'allow', kind: 'ip', value: '198.51.100.66' });
    expect(list.status).toBe(403);
    const policy = await api(page, 'PUT', '/policy', {
      thresholds: { challenge: 90, deny: 99 },
      fallbackDecision: 'allow',
      shadowMode: true,
      detectors: {},
    });
    expect(policy.status).toBe(403);
    expect(
      (await env.sql<{ label: string }>(`SELECT label FROM assessments WHERE id = $1`, [suspiciousId]))[0].label,
    ).toBe('fraud');
  });

  it("a session of tenant B never sees tenant A's data", async () => {
    const page = await open('en-US');
    await signIn(page, 'admin@b.example');
    await page.click('nav.side >> text=Logins');
    await page.waitForSelector('table.logins tbody tr');
    expect(await page.locator('table.logins tbody tr').count()).toBe(1);
    expect(await page.getAttribute('table.logins tbody tr', 'data-id')).toBe(bLoginId);
    expect(await page.textContent('main')).not.toContain('198.51.100.66');
    await page.goto(`${env.baseUrl}/console/logins/${suspiciousId}`);
    await page.waitForSelector('.error');
    expect(await page.textContent('.error')).toContain('Not found');
    expect((await api(page, 'GET', `/logins/${suspiciousId}`)).status).toBe(404);
    expect((await api(page, 'POST', `/logins/${suspiciousId}/label`, { label: 'legit' })).status).toBe(404);
    await page.click('nav.side >> text=IP summary');
    await page.waitForSelector('main table tbody tr');
    expect(await page.textContent('main')).not.toContain('198.51.100.66');
  });
});
