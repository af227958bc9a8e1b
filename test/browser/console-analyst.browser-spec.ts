// Issue #17 in real Chromium: who an account is (display labels), the review queue, dates and time
// zones, Japanese without English left, acting from where the analyst looks, small screens.
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

describe('console for a fraud team (issue #17) in Chromium', () => {
  const env = new KizukiEnv();
  let a: Tenant;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let challengedId = '';
  let deniedId = '';
  let aliceAccount = '';

  async function risk(user: Record<string, string>, ip: string, bundle: SignalBundle | null, status = 'succeeded') {
    let requestToken: string | undefined;
    if (bundle) {
      const c = await env.post('/v1/collect', bundle, { 'x-kizuki-key': a.publishableKey, origin: ORIGIN });
      expect(c.status).toBe(202);
      requestToken = c.body.requestToken;
    }
    const r = await env.post(
      '/v1/risk',
      { requestToken, event: 'login', status, user, context: { ip, userAgent: 'Mozilla/5.0 Chrome/126' } },
      { authorization: `Bearer ${a.secretKey}` },
    );
    expect(r.status).toBe(200);
    return r.body as { id: string; decision: string; reasons: { code: string }[] };
  }

  async function open(locale: string, width = 1280, height = 900): Promise<Page> {
    const ctx = await browser.newContext({ locale, viewport: { width, height } });
    contexts.push(ctx);
    return ctx.newPage();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const signIn = (page: Page, email: string) => signInToConsole(page, env.baseUrl, email, PASSWORD);
  const noHorizontalScroll = (page: Page) =>
    page.evaluate(
      () =>
        (globalThis as any).document.documentElement.scrollWidth <=
        (globalThis as any).document.documentElement.clientWidth + 1,
    );

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/console/index.html')))
      execFileSync(process.execPath, [resolve(ROOT, 'apps/console/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    a = await env.createTenant('Shop A', [ORIGIN]);
    const db = createDataSource({ url: env.config.DATABASE_URL, poolSize: 1 });
    await db.initialize();
    try {
      await createAdmin(db, a.tenantId, 'analyst@a.example', 'analyst', PASSWORD);
      await createAdmin(db, a.tenantId, 'admin@a.example', 'admin', PASSWORD);
      await createAdmin(db, a.tenantId, 'viewer@a.example', 'viewer', PASSWORD);
    } finally {
      await db.destroy();
    }
    const alice = { id: 'cust-0001', email: 'hanako@example.jp', name: '山田 花子' };
    for (let i = 0; i < 3; i++)
      await risk(
        alice,
        '203.0.113.10',
        makeBundle({ seed: 100 + i, visitorId: 'visitor-alice-0001', storageId: 'storage-alice' }),
      );
    // a login the policy challenges (no SDK token), and one it denies (deny-listed IP)
    challengedId = (await risk(alice, '198.51.100.66', null)).id;
    await env.sql(
      `INSERT INTO list_entries (tenant_id, list, kind, value, comment)
       VALUES ($1, 'deny', 'ip', '192.0.2.99', 'test')`,
      [a.tenantId],
    );
    deniedId = (await risk({ id: 'cust-0002', label: 'bulk-signup' }, '192.0.2.99', null)).id;
    aliceAccount = (
      await env.sql<{ account_id: string }>(`SELECT account_id FROM assessments WHERE id = $1`, [challengedId])
    )[0].account_id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await env.stop();
  });

  it('shows who an account is (display label), finds it by e-mail, masks it for viewers', async () => {
    const page = await open('en-US');
    await signIn(page, 'analyst@a.example');
    await page.goto(`${env.baseUrl}/console/logins`);
    await page.waitForSelector('table.logins tbody tr');
    expect(await page.textContent(`tr[data-id="${challengedId}"]`)).toContain('hanako@example.jp');
    expect(await page.textContent(`tr[data-id="${deniedId}"]`)).toContain('bulk-signup');
    await page.fill('input[name=user]', 'HANAKO@example.jp');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/user=HANAKO/);
    await page.waitForFunction(
      () => (globalThis as any).document.querySelectorAll('table.logins tbody tr').length === 4,
    );
    await page.goto(`${env.baseUrl}/console/accounts/${aliceAccount}`);
    await page.waitForSelector('h1 .user-label');
    expect(await page.textContent('h1')).toContain('hanako@example.jp');
    expect(await page.textContent('h1')).toContain('山田 花子');

    const viewer = await open('en-US');
    await signIn(viewer, 'viewer@a.example');
    await viewer.goto(`${env.baseUrl}/console/logins`);
    await viewer.waitForSelector('table.logins tbody tr');
    const text = await viewer.textContent('table.logins');
    expect(text).toContain('h•••••@example.jp');
    expect(text).not.toContain('hanako@');
  });

  it('review queue: counted on the dashboard; an analyst takes a login, notes it, labels it (confirmed)', async () => {
    const page = await open('en-US');
    await signIn(page, 'analyst@a.example');
    await page.waitForSelector('#kpi-review');
    const queued = await env.sql<{ id: string }>(
      `SELECT id FROM assessments WHERE tenant_id = $1 AND label IS NULL
          AND (decision <> 'allow' OR policy_decision <> 'allow') ORDER BY created_at DESC`,
      [a.tenantId],
    );
    expect(queued.map((x) => x.id)).toEqual(expect.arrayContaining([challengedId, deniedId]));
    const open0 = Number(await page.textContent('#kpi-review .kpi-v'));
    expect(open0).toBe(queued.length);
    await page.click('#kpi-review');
    await page.waitForURL(/\/console\/review$/);
    await page.waitForSelector('table.review tbody tr');
    expect(await page.locator('table.review tbody tr').count()).toBe(queued.length);
    expect(await page.getAttribute('table.review tbody tr:first-child', 'data-id')).toBe(deniedId);
    const row = `table.review tr[data-id="${challengedId}"]`;
    await page.click(`${row} .assign-me`);
    await page.waitForSelector(`${row} >> text=analyst@a.example`);
    await page.fill(`${row} input[name=note]`, 'called the customer: not her');
    await page.click(`${row} .note-form button`);
    await page.waitForFunction(
      (id) =>
        (
          globalThis as unknown as { document: { querySelector: (s: string) => { value: string } | null } }
        ).document.querySelector(`tr[data-id="${id}"] input[name=note]`)?.value === 'called the customer: not her',
      challengedId,
    );
    await shot(page, 'review-queue-en');
    // the same queue in Japanese, switched as a user does: every label worded, none cut off
    await page.click('#lang-ja');
    await page.waitForSelector('main h1 >> text=審査キュー');
    expect(await consoleEnglishLabels(page)).toEqual([]);
    expect(await cutConsoleLabels(page)).toEqual([]);
    expect(await brokenConsoleWords(page)).toEqual([]);
    await shot(page, 'review-queue-ja');
    await page.click('#lang-en');
    await page.waitForSelector('main h1 >> text=Review queue');
    // Fraud asks first: dismissed, nothing happens; accepted, the login leaves the queue
    page.once('dialog', (d) => void d.dismiss());
    await page.click(`${row} button.danger`);
    await page.waitForTimeout(300);
    expect((await env.sql(`SELECT 1 FROM feedback WHERE assessment_id = $1`, [challengedId])).length).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await page.click(`${row} button.danger`);
    await page.waitForFunction(
      (n) => (globalThis as any).document.querySelectorAll('table.review tbody tr').length === n,
      queued.length - 1,
    );
    const stored = await env.sql<{ label: string; review_note: string; email: string }>(
      `SELECT a.label, a.review_note, ad.email
         FROM assessments a JOIN admins ad ON ad.id = a.assignee_id WHERE a.id = $1`,
      [challengedId],
    );
    expect(stored).toEqual([
      { label: 'fraud', review_note: 'called the customer: not her', email: 'analyst@a.example' },
    ]);
    await page.click('nav.side >> text=Dashboard');
    await page.waitForSelector('#kpi-review');
    expect(Number(await page.textContent('#kpi-review .kpi-v'))).toBe(open0 - 1);
  });

  it('dates follow the language and the chosen time zone; chart axes carry dates', async () => {
    const created = (await env.sql<{ t: Date }>(`SELECT created_at AS t FROM assessments WHERE id = $1`, [deniedId]))[0]
      .t;
    const inZone = (tz: string) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: tz,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(created)
          .map((x) => [x.type, x.value]),
      );
      return p as Record<string, string>;
    };
    const page = await open('ja-JP');
    await signIn(page, 'admin@a.example');
    expect(await page.textContent('#tz')).toBe('Asia/Tokyo');
    // axis ticks: hourly buckets carry the date (M/D HH:00)
    // (waits for the chart's data: right after sign-in only the y axis may be drawn)
    await page
      .locator('svg.chart text.axis', { hasText: /^\d{1,2}\/\d{1,2} \d{2}:00$/ })
      .first()
      .waitFor();
    await page.goto(`${env.baseUrl}/console/logins`);
    await page.waitForSelector(`tr[data-id="${deniedId}"]`);
    const t = inZone('Asia/Tokyo');
    expect(await page.textContent(`tr[data-id="${deniedId}"] td:first-child`)).toBe(
      `${t.year}/${t.month}/${t.day} ${t.hour}:${t.minute}`,
    );
    await shot(page, '21-logins-ja');
    // the member picks UTC in My account: the header and every date follow, in English too
    await page.goto(`${env.baseUrl}/console/settings`);
    await page.selectOption('select[name=timeZone]', 'UTC');
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { getElementById: (s: string) => { textContent: string } } }
        ).document.getElementById('tz').textContent === 'UTC',
    );
    await page.click('#lang-en');
    await page.goto(`${env.baseUrl}/console/logins`);
    await page.waitForSelector(`tr[data-id="${deniedId}"]`);
    const u = inZone('UTC');
    expect(await page.textContent(`tr[data-id="${deniedId}"] td:first-child`)).toBe(
      `${u.year}-${u.month}-${u.day} ${u.hour}:${u.minute}`,
    );
    // the date inputs take the same zone's wall time
    await page.fill('input[name=from]', `${u.year}-${u.month}-${u.day}T${u.hour}:${u.minute}`);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/from=/);
    const from = new URL(page.url()).searchParams.get('from');
    expect(from).toBe(new Date(Math.floor(created.getTime() / 60_000) * 60_000).toISOString());
    // …and show it back as every date is shown (not the browser's mm/dd/yyyy picker)
    expect(await page.inputValue('input[name=from]')).toBe(`${u.year}-${u.month}-${u.day} ${u.hour}:${u.minute}`);
    expect(await page.getAttribute('tr:first-child', 'data-id').catch(() => null)).not.toBeUndefined();
    const tzSaved = await env.sql<{ time_zone: string }>(
      `SELECT time_zone FROM admins WHERE email = 'admin@a.example'`,
    );
    expect(tzSaved[0].time_zone).toBe('UTC');
  });

  it('Japanese: no English left on the login detail, labels not cut at 1280 px', async () => {
    const page = await open('ja-JP', 1280);
    await signIn(page, 'analyst@a.example');
    await page.goto(`${env.baseUrl}/console/logins/${challengedId}`);
    await page.waitForSelector('ul.reasons li');
    const main = (await page.textContent('main')) ?? '';
    for (const english of ['succeeded', 'attempted', 'trusted', 'pending', 'The request token', 'login ·', 'takeover'])
      expect(main).not.toContain(english);
    expect(main).toContain('成功');
    expect(main).toContain('判定理由');
    // the engine's detail, worded in Japanese from its key and parameters
    expect(main).toContain('リクエストトークンがありません。SDKが実行されなかったか');
    // the role badge is a word, not the raw enum
    expect(await page.textContent('header.top .who')).toContain('分析担当者');
    // every <dt> shows its whole label
    const cut = await page.evaluate(() =>
      Array.from<{ scrollWidth: number; clientWidth: number; textContent: string | null }>(
        (globalThis as any).document.querySelectorAll('dt'),
      )
        .filter((d) => d.scrollWidth > d.clientWidth + 1)
        .map((d) => d.textContent),
    );
    expect(cut).toEqual([]);
    expect(main).toContain('ユーザーエージェント');
    await shot(page, '22-login-detail-ja');
    await page.goto(`${env.baseUrl}/console/accounts/${aliceAccount}`);
    await page.waitForSelector('h2 >> text=端末');
    const account = (await page.textContent('main')) ?? '';
    expect(account).toContain('よく使うネットワーク');
    expect(account).not.toMatch(/\btrusted\b|\bnew\b/);
    // raw API values are labelled too: list names and kinds, detectors
    await page.goto(`${env.baseUrl}/console/lists`);
    await page.waitForSelector('#list-form');
    expect(await page.locator('#list-form select[name=list] option').allTextContents()).toEqual([
      '拒否リスト',
      '許可リスト',
    ]);
    expect(await page.locator('#list-form select[name=kind] option').allTextContents()).toEqual([
      'IP',
      'CIDR',
      '端末',
      'ユーザー',
      'ASN',
      '国',
    ]);
    // a list entry's expiry is typed as the display zone's wall time (Asia/Tokyo), shown back the same
    await page.fill('#list-form input[name=value]', '192.0.2.123');
    await page.fill('#list-form input[name=expiresAt]', '2027-01-15T09:30');
    await page.click('#list-form button[type=submit]');
    await page.waitForSelector('#list-table tr:has-text("192.0.2.123")');
    expect(await page.textContent('#list-table tr:has-text("192.0.2.123")')).toContain('2027/01/15 09:30');
    const expiry = await env.sql<{ t: Date }>(
      `SELECT expires_at AS t FROM list_entries WHERE tenant_id = $1 AND value = '192.0.2.123'`,
      [a.tenantId],
    );
    expect(expiry[0].t.toISOString()).toBe('2027-01-15T00:30:00.000Z');
    await page.goto(`${env.baseUrl}/console/policy`);
    await page.waitForSelector('.detectors label');
    const detectors = await page.locator('.detectors label').allTextContents();
    expect(detectors).toEqual(expect.arrayContaining(['タイピング', '端末', 'ネットワーク']));
    expect(detectors.join(' ')).not.toMatch(/[a-z]/);
  });

  it('acting: block an IP (confirmed), keyboard bars, no Approve on a trusted device, readable audit', async () => {
    const page = await open('en-US');
    page.on('dialog', (d) => void d.accept());
    await signIn(page, 'analyst@a.example');
    // keyboard: Tab to a reason bar of the dashboard, Enter opens the filtered list
    await page.waitForSelector('.hbar.clickable');
    await page.focus('.hbar.clickable >> nth=0');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/logins\?reason=/);
    // IP summary: block the attacker's IP from its row
    await page.goto(`${env.baseUrl}/console/ips`);
    await page.waitForSelector('table.ips tbody tr');
    const row = 'table.ips tr:has-text("198.51.100.66")';
    expect(await page.locator(`${row} td`).allTextContents()).toEqual(expect.arrayContaining(['no data']));
    await page.click(`${row} .block-ip`);
    await page.waitForSelector(`${row} >> text=Deny-listed: 198.51.100.66`);
    const entries = await env.sql<{ kind: string; value: string }>(
      `SELECT kind, value FROM list_entries WHERE tenant_id = $1 AND list = 'deny' ORDER BY created_at`,
      [a.tenantId],
    );
    expect(entries).toContainEqual({ kind: 'ip', value: '198.51.100.66' });
    expect((await risk({ id: 'cust-0001' }, '198.51.100.66', null)).decision).toBe('deny');
    // the account: approving alice's device trusts it, and a trusted device offers no Approve again
    await page.goto(`${env.baseUrl}/console/accounts/${aliceAccount}`);
    await page.waitForSelector('main table tbody tr');
    const devRow = page.locator('main table tbody tr:has(button.report)').first();
    if ((await devRow.locator('button.approve').count()) > 0) {
      await devRow.locator('button.approve').click();
      await page.waitForSelector('main table tr:has-text("trusted")');
    }
    const trusted = page.locator('main table tbody tr:has-text("trusted")').first();
    expect(await trusted.locator('button.approve').count()).toBe(0);
    expect(await trusted.locator('button.report').count()).toBe(1);
    // every table has column headers
    const headless = await page.evaluate(
      () =>
        Array.from((globalThis as any).document.querySelectorAll('main table')).filter(
          (t) => !(t as unknown as { tHead: unknown }).tHead,
        ).length,
    );
    expect(headless).toBe(0);
    // the audit log: readable words and a diff, not raw JSON, and not wider than the page
    const admin = await open('en-US');
    await signIn(admin, 'admin@a.example');
    await admin.goto(`${env.baseUrl}/console/team`);
    await admin.waitForSelector('main table >> text=List entry added');
    expect(await admin.textContent('ul.diff')).toContain('Value: 198.51.100.66');
    expect(await admin.textContent('main')).not.toContain('{"');
    expect(await noHorizontalScroll(admin)).toBe(true);
    await shot(admin, '23-audit');
  });

  it('one chip per reason code, details in the UI language; block an ASN from a login and the IP view', async () => {
    // two BOT_BEHAVIOR findings on one login (as the engine gives them), and a row from before detail keys
    const dup = (await risk({ id: 'cust-0003' }, '198.51.100.77', null)).id;
    const other = (await risk({ id: 'cust-0004' }, '198.51.100.78', null)).id;
    const reasons = [
      {
        code: 'BOT_BEHAVIOR',
        detail: 'Credentials were typed and submitted 120 ms after the page loaded.',
        detailKey: 'bot.fastSubmit',
        params: { ms: 120 },
      },
      {
        code: 'BOT_BEHAVIOR',
        detail: 'Every click hit the exact centre of its target, as automation tools do.',
        detailKey: 'pointer.centreClick',
        params: {},
      },
      { code: 'TOKEN_MISSING', detail: 'No request token: the SDK did not run or was blocked.' },
    ];
    await env.sql(`UPDATE assessments SET asn = 4713, reasons = $2::jsonb WHERE id = $1`, [
      dup,
      JSON.stringify(reasons),
    ]);
    await env.sql(`UPDATE assessments SET asn = 2516 WHERE id = $1`, [other]);
    const page = await open('en-US');
    page.on('dialog', (d) => void d.accept());
    await signIn(page, 'analyst@a.example');
    await page.goto(`${env.baseUrl}/console/logins?reason=BOT_BEHAVIOR`);
    await page.waitForSelector('table.logins tbody tr');
    expect(await page.locator('table.logins tbody tr').count()).toBe(1);
    expect(await page.locator('table.logins tbody .code', { hasText: 'BOT_BEHAVIOR' }).count()).toBe(1);
    await page.goto(`${env.baseUrl}/console/logins/${dup}`);
    await page.waitForSelector('ul.reasons li');
    const bot = page.locator('ul.reasons li', { has: page.locator('.code', { hasText: 'BOT_BEHAVIOR' }) });
    expect(await bot.count()).toBe(1);
    expect(await bot.locator('.muted.small').allTextContents()).toEqual([reasons[0].detail, reasons[1].detail]);
    // an old row without a key shows its English detail in English
    expect(await page.textContent('ul.reasons')).toContain(reasons[2].detail);
    // block the login's network (ASN) from its detail, confirmed
    await page.click('.block-asn');
    await page.waitForSelector('text=Deny-listed: AS4713');
    const ja = await open('ja-JP');
    await signIn(ja, 'analyst@a.example');
    await ja.goto(`${env.baseUrl}/console/logins/${dup}`);
    await ja.waitForSelector('ul.reasons li');
    const jaBot = ja.locator('ul.reasons li', { has: ja.locator('.code', { hasText: 'BOT_BEHAVIOR' }) });
    expect(await jaBot.locator('.muted.small').allTextContents()).toEqual([
      'ページの読み込みから120msでログイン情報が入力・送信されました。',
      'すべてのクリックが対象のちょうど中心に当たっています（自動操作ツールの特徴です）。',
    ]);
    // the old row's English detail is not shown in Japanese: the code's Japanese name stands for it
    const jaReasons = (await ja.textContent('ul.reasons')) ?? '';
    expect(jaReasons).not.toContain('No request token');
    expect(jaReasons).toContain('SDKのリクエストトークンが送信されていません');
    await shot(ja, '24-login-detail-reasons-ja');
    // the IP view: block another login's ASN from its row
    await page.goto(`${env.baseUrl}/console/ips`);
    const row = 'table.ips tr:has-text("198.51.100.78")';
    await page.waitForSelector(row);
    await page.click(`${row} .block-asn`);
    await page.waitForSelector(`${row} >> text=Deny-listed: AS2516`);
    const entries = await env.sql<{ kind: string; value: string }>(
      `SELECT kind, value FROM list_entries WHERE tenant_id = $1 AND list = 'deny' AND kind = 'asn' ORDER BY value`,
      [a.tenantId],
    );
    expect(entries).toEqual([
      { kind: 'asn', value: '2516' },
      { kind: 'asn', value: '4713' },
    ]);
  });

  it('usable at 390 px: no sideways scrolling on the main screens', async () => {
    const page = await open('ja-JP', 390, 844);
    await signIn(page, 'analyst@a.example');
    for (const path of ['/', '/review', '/logins', `/logins/${deniedId}`, `/accounts/${aliceAccount}`, '/ips']) {
      await page.goto(`${env.baseUrl}/console${path}`);
      await page.waitForSelector('main h1');
      await page.waitForTimeout(200);
      expect({ path, fits: await noHorizontalScroll(page) }).toEqual({ path, fits: true });
    }
    await shot(page, 'mobile-ja');
    await page.click('#lang-en');
    await page.waitForSelector('nav.side >> text=IP summary');
    expect(await noHorizontalScroll(page)).toBe(true);
    await shot(page, 'mobile-en');
  });
});
