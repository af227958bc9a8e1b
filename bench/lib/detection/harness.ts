// The detection harness: a real Kizuki (api + worker in-process, from source, on its own
// PostgreSQL database and Redis prefix: fixtures/kizuki-env.ts), a tiny "customer" site with
// its own login page and backend, and Chromium driving logins the way people and bots do.
//
// The customer site (node:http, its own origin):
//   GET  /login?sim=ID   a login form that loads ${kizuki}/sdk/kizuki.js with the tenant's
//                        publishable key and endpoint = Kizuki's base URL, and watches the form;
//   POST /session?sim=ID checks the password for the account, calls POST /v1/risk with the SDK's
//                        request token, the simulated client IP and the browser's User-Agent and
//                        Accept-Language, exactly as a customer backend does, and shows the answer.
// The "sim" id carries what a real backend learns from the network (the client IP) and which
// tenant the page belongs to. The harness then reads the stored assessment with
// GET /v1/assessments/:id and the tenant's secret key.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import {
  launchChromium,
  parseForm,
  PERSON_SCRIPT,
  sdkBundle,
  startServer,
  type TestServer,
} from '../../../fixtures/browser';
import {
  aimPoint,
  dispatchKeyEvents,
  dispatchPointerPath,
  gaussian,
  humanPointerPath,
  keyEventsOf,
  seededRng,
  straightLinePath,
  type Point,
  type Rng,
  type TimedKey,
} from '../../../fixtures/human-input';
import type { KizukiEnv } from '../../../fixtures/kizuki-env';

/** Retries of a replay's collect answered 503 (1 s, 2 s, … apart) before it counts as an error. */
const COLLECT_RETRIES = 4;

export interface Tenant {
  tenantId: string;
  publishableKey: string;
  secretKey: string;
}

export interface Assessment {
  id: string;
  decision: 'allow' | 'challenge' | 'deny';
  score: number | null;
  scores: Record<string, number | null>;
  reasons: { code: string; detail: string }[];
  device: { id: string; status: string } | null;
  degraded: boolean;
}

export interface LoginRecord {
  scenario: string;
  /** assessment id, null when the risk call failed */
  id: string | null;
  account: string;
  ok: boolean;
  decision: Assessment['decision'] | 'error';
  score: number | null;
  scores: Record<string, number | null>;
  reasons: string[];
  details: string[];
  device: string | null;
  /** Kizuki could not score in time (or the worker failed): the answer was the fallback decision */
  degraded: boolean;
  ms: number;
  /** a replayed SDK bundle (collect + risk without a browser), not a browser session */
  replay?: boolean;
  /** the case a record belongs to, when a scenario compares several calls (16: login, change, control) */
  case?: string;
}

/** A risk call for another event than a login (see docs/api.md#events). */
export interface LifecycleCall {
  event: 'registration' | 'password_reset_request' | 'password_reset' | 'profile_update';
  changes?: ('email' | 'phone' | 'password' | 'mfa' | 'address')[];
  emailDomain?: string;
}

interface Sim {
  tenant: Tenant;
  ip: string;
}

/** How the password (and username) gets into the form. */
export type Typing =
  // timed CDP key events; `stamped`: each carries its planned time as the event's timestamp, so the page
  // records the plan exactly however late a loaded host dispatches it (bench/key-dispatch-fidelity.ts)
  | { kind: 'keys'; password: TimedKey[]; username: TimedKey[]; stamped?: boolean }
  | { kind: 'fill' } // page.fill of both fields: no key events (password manager / naive bot)
  | { kind: 'playwright-type'; delayMs: number }; // page.keyboard.type with a fixed delay

export type Pointer = 'human' | 'line' | 'none';

export interface BrowserLogin {
  scenario: string;
  tenant: Tenant;
  account: string;
  password: string;
  ip: string;
  context: BrowserContext;
  typing: Typing;
  pointer: Pointer;
  rng: Rng;
  /** the password plan ends with Enter (CMU data): it submits the form */
  submitWithEnter?: boolean;
  /** keep the page's collect() body (the SDK bundle), for replay */
  captureBundle?: boolean;
}

/**
 * 'stealth-hints': stealth plus client hints that agree with the UA (and WebGL faked, as for every device);
 * 'stealth-patched': that, and the four claim checks of libs/sdk/src/stealth patched away (PATCHED_SCRIPT)
 */
export type Flavour = 'human' | 'automation' | 'stealth' | 'stealth-hints' | 'stealth-patched';

export interface DeviceProfile {
  index: number;
  locale: string;
  timezoneId: string;
}

const SCREENS = [
  [1920, 1080],
  [1366, 768],
  [1536, 864],
  [1440, 900],
  [1280, 800],
  [1600, 900],
  [2560, 1440],
  [1680, 1050],
] as const;
const SCALES = [1, 1.25, 1.5, 2] as const;
const CORES = [4, 8, 12, 16, 6] as const;
const MEMORY = [8, 4, 2] as const;
/** GPUs as WebGL reports them (vendor, renderer): this host has one, people's machines differ */
const GPUS = [
  ['Google Inc. (Intel)', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)'],
  ['Google Inc. (NVIDIA Corporation)', 'ANGLE (NVIDIA Corporation, NVIDIA GeForce GTX 1650/PCIe/SSE2, OpenGL 4.5.0)'],
  ['Google Inc. (AMD)', 'ANGLE (AMD, AMD Radeon RX 580 Series (radeonsi, polaris10, LLVM 15.0.7), OpenGL 4.6)'],
  ['Google Inc. (Intel)', 'ANGLE (Intel, Mesa Intel(R) Iris(R) Xe Graphics (TGL GT2), OpenGL 4.6)'],
  ['Google Inc. (NVIDIA Corporation)', 'ANGLE (NVIDIA Corporation, NVIDIA GeForce RTX 3060/PCIe/SSE2, OpenGL 4.5.0)'],
  ['Google Inc. (Intel)', 'ANGLE (Intel, Mesa Intel(R) HD Graphics 530 (SKL GT2), OpenGL 4.6)'],
  ['Google Inc. (AMD)', 'ANGLE (AMD, AMD Radeon Vega 8 Graphics (radeonsi, raven, LLVM 15.0.7), OpenGL 4.6)'],
] as const;

export class DetectionHarness {
  site!: TestServer;
  /** Chromium with `--disable-blink-features=AutomationControlled` (navigator.webdriver false) */
  humanBrowser!: Browser;
  /** Chromium as playwright launches it: navigator.webdriver true, HeadlessChrome UA */
  automationBrowser!: Browser;
  chromeUa = '';
  /** the UA playwright's headless Chromium sends (the naive bot's), for replays of its sessions */
  automationUa = '';
  private readonly sims = new Map<string, Sim>();
  /** contexts whose pages get client hints that agree with the UA (Emulation.setUserAgentOverride) */
  private readonly hinted = new WeakSet<BrowserContext>();
  private readonly passwords = new Map<string, string>();
  readonly log: LoginRecord[] = [];

  constructor(readonly env: KizukiEnv) {}

  async start(): Promise<this> {
    sdkBundle();
    this.site = await startServer((req, res, body) =>
      this.handle(req.method || 'GET', req.url || '/', req.headers, body, res),
    );
    this.automationBrowser = await launchChromium();
    this.humanBrowser = await launchChromium({
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-blink-features=AutomationControlled',
      ],
    });
    // the UA a person's Chromium on Linux sends: the headless one says "HeadlessChrome"
    this.chromeUa =
      `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
      `Chrome/${this.humanBrowser.version()} Safari/537.36`;
    const page = await this.automationBrowser.newPage();
    this.automationUa = await page.evaluate<string>('navigator.userAgent');
    await page.close();
    return this;
  }

  async stop(): Promise<void> {
    await this.humanBrowser?.close().catch(() => undefined);
    await this.automationBrowser?.close().catch(() => undefined);
    await this.site?.close().catch(() => undefined);
  }

  /** A tenant whose login page is this harness's site. */
  async tenant(name: string): Promise<Tenant> {
    return this.env.createTenant(name, [this.site.origin]);
  }

  setPassword(tenant: Tenant, account: string, password: string): void {
    this.passwords.set(`${tenant.tenantId}\n${account}`, password);
  }

  /**
   * A "device": a browser context with its own storage and machine traits (screen, pixel ratio,
   * CPU cores, memory, time zone, language), all derived from `index` so each index is a
   * distinct machine to a fingerprint. People's and stealth bots' contexts send a normal Chrome UA.
   */
  async device(flavour: Flavour, profile: DeviceProfile): Promise<BrowserContext> {
    // co-prime cycles (8, 5, 3, 7, 2, 2): every index below 1,680 is a distinct combination
    const i = profile.index;
    const [w, h] = SCREENS[i % SCREENS.length];
    const cores = CORES[i % CORES.length];
    const memory = MEMORY[i % MEMORY.length];
    const [gpuVendor, gpu] = GPUS[i % GPUS.length];
    const options: BrowserContextOptions = {
      viewport: { width: Math.min(w, 1280), height: Math.min(h - 120, 800) },
      screen: { width: w, height: h },
      deviceScaleFactor: SCALES[i % SCALES.length],
      locale: profile.locale,
      timezoneId: profile.timezoneId,
      colorScheme: i % 2 ? 'dark' : 'light',
      reducedMotion: Math.floor(i / 2) % 2 ? 'reduce' : 'no-preference',
    };
    if (flavour !== 'automation') options.userAgent = this.chromeUa;
    const browser = flavour === 'human' ? this.humanBrowser : this.automationBrowser;
    const ctx = await browser.newContext(options);
    // machine traits a context option cannot set: CPU cores, memory, the GPU WebGL reports
    await ctx.addInitScript(`(() => {
      const def = (k, v) => Object.defineProperty(Navigator.prototype, k, { get: () => v, configurable: true });
      def('hardwareConcurrency', ${cores});
      def('deviceMemory', ${memory});
      for (const C of [self.WebGLRenderingContext, self.WebGL2RenderingContext]) {
        if (!C) continue;
        const get = C.prototype.getParameter;
        C.prototype.getParameter = function (p) {
          if (p === 37445) return ${JSON.stringify(gpuVendor)};
          if (p === 37446) return ${JSON.stringify(gpu)};
          return get.call(this, p);
        };
      }
    })();`);
    if (flavour === 'stealth' || flavour === 'stealth-hints') await ctx.addInitScript(STEALTH_SCRIPT);
    if (flavour === 'stealth-patched') await ctx.addInitScript(PATCHED_SCRIPT);
    if (flavour === 'stealth-hints' || flavour === 'stealth-patched') this.hinted.add(ctx);
    if (flavour === 'human') await ctx.addInitScript(PERSON_SCRIPT);
    return ctx;
  }

  /** One login through the browser: pointer to the fields, typing, submit; the assessment read back. */
  async browserLogin(l: BrowserLogin): Promise<LoginRecord & { bundle?: string }> {
    const started = performance.now();
    const sim = randomBytes(6).toString('hex');
    this.sims.set(sim, { tenant: l.tenant, ip: l.ip });
    const page = await l.context.newPage();
    let bundle: string | undefined;
    if (l.captureBundle) {
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/v1/collect')) bundle = r.postData() ?? undefined;
      });
    }
    try {
      // client hints must be in place before the page loads; every other device as before
      const early = this.hinted.has(l.context) ? await l.context.newCDPSession(page) : null;
      if (early) await early.send('Emulation.setUserAgentOverride', this.clientHints());
      await page.goto(`${this.site.url}/login?sim=${sim}`);
      const cdp = early ?? (await l.context.newCDPSession(page));
      let at: Point = { x: 40 + 200 * l.rng(), y: 500 + 150 * l.rng() };
      if (l.pointer !== 'none') await page.mouse.move(at.x, at.y);
      // reading the page before acting
      await sleep(l.pointer === 'human' ? 500 + 500 * l.rng() : l.pointer === 'line' ? 300 : 0);
      const username = l.typing.kind === 'keys' ? l.typing.username : null;
      if (l.typing.kind === 'fill') {
        await page.fill('#username', l.account);
        await page.fill('#password', l.password);
      } else {
        at = await this.pointTo(page, cdp, '#username', at, l.pointer, l.rng);
        await this.type(page, cdp, '#username', l.account, username, l.typing, l.pointer);
        await sleep(l.pointer === 'human' ? 250 + 300 * l.rng() : 0);
        at = await this.pointTo(page, cdp, '#password', at, l.pointer, l.rng);
        if (l.pointer === 'human') await sleep(150 + 200 * l.rng());
      }
      const nav = page.waitForURL('**/session**', { timeout: 15_000 });
      if (l.typing.kind === 'keys' && l.submitWithEnter) {
        await dispatchKeyEvents(cdp, keyEventsOf(l.typing.password), { stamp: l.typing.stamped });
      } else {
        if (l.typing.kind !== 'fill')
          await this.type(
            page,
            cdp,
            '#password',
            l.password,
            l.typing.kind === 'keys' ? l.typing.password : null,
            l.typing,
            l.pointer,
          );
        if (l.pointer === 'none') await page.click('#submit');
        else {
          await sleep(l.pointer === 'human' ? 300 + 300 * l.rng() : 50);
          await this.pointTo(page, cdp, '#submit', at, l.pointer, l.rng);
        }
      }
      await nav;
      const answer = JSON.parse((await page.textContent('#risk')) ?? '{}') as {
        status: number;
        body: Assessment & { error?: unknown };
      };
      await cdp.detach().catch(() => undefined);
      const rec = await this.record(l.scenario, l.tenant, l.account, answer.body, started);
      return { ...rec, bundle };
    } catch (e) {
      const rec: LoginRecord = {
        scenario: l.scenario,
        id: null,
        account: l.account,
        ok: false,
        decision: 'error',
        score: null,
        scores: {},
        reasons: [],
        details: [String(e).slice(0, 300)],
        device: null,
        degraded: false,
        ms: performance.now() - started,
      };
      this.log.push(rec);
      return rec;
    } finally {
      this.sims.delete(sim);
      await page.close().catch(() => undefined);
    }
  }

  /** The UA of people's contexts with the client hints a real Chrome on Linux sends with it. */
  private clientHints() {
    const full = this.humanBrowser.version();
    const major = full.split('.')[0];
    const brands = [
      { brand: 'Chromium', version: major },
      { brand: 'Google Chrome', version: major },
      { brand: 'Not.A/Brand', version: '99' },
    ];
    return {
      userAgent: this.chromeUa,
      acceptLanguage: 'en-US,en',
      platform: 'Linux x86_64',
      userAgentMetadata: {
        brands,
        fullVersionList: brands.map((b) => ({ ...b, version: b.brand === 'Not.A/Brand' ? '99.0.0.0' : full })),
        fullVersion: full,
        platform: 'Linux',
        platformVersion: '6.5.0',
        architecture: 'x86',
        model: '',
        mobile: false,
        bitness: '64',
        wow64: false,
      },
    };
  }

  /** Moves the pointer to an element (human model, straight line or teleport) and clicks it. */
  private async pointTo(
    page: Page,
    cdp: CDPSession,
    selector: string,
    from: Point,
    pointer: Pointer,
    rng: Rng,
  ): Promise<Point> {
    const box = await page.locator(selector).boundingBox();
    if (!box) throw new Error(`${selector} not visible`);
    if (pointer === 'none') {
      await page.click(selector);
      return from;
    }
    const to = aimPoint(box, rng);
    if (pointer === 'human') {
      await sleep(120 + 150 * rng()); // reaction time before the hand moves
      await dispatchPointerPath(
        page,
        humanPointerPath(from, to, { targetWidth: Math.min(box.width, box.height), rng }),
        cdp,
      );
      await sleep(60 + 120 * rng());
      await page.mouse.down();
      await sleep(70 + 60 * rng());
      await page.mouse.up();
    } else {
      const center = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await dispatchPointerPath(page, straightLinePath(from, center, 200, 10), cdp);
      await page.mouse.down();
      await page.mouse.up();
      return center;
    }
    return to;
  }

  private async type(
    page: Page,
    cdp: CDPSession,
    selector: string,
    text: string,
    keys: TimedKey[] | null,
    typing: Typing,
    pointer: Pointer,
  ): Promise<void> {
    if (pointer === 'none') await page.focus(selector);
    if (typing.kind === 'playwright-type') await page.keyboard.type(text, { delay: typing.delayMs });
    else if (keys) await dispatchKeyEvents(cdp, keyEventsOf(keys), { stamp: typing.kind === 'keys' && typing.stamped });
  }

  /**
   * What a customer backend does after a login without a browser: POST /v1/collect with a
   * recorded SDK bundle (from the site's origin, as the browser would), then POST /v1/risk.
   */
  async replayLogin(o: {
    scenario: string;
    tenant: Tenant;
    account: string;
    bundle: string;
    ip: string;
    userAgent: string;
    acceptLanguage: string;
    succeeded: boolean;
    record?: boolean;
    /** another event than a login (registration, profile_update with changes, …) */
    event?: LifecycleCall;
  }): Promise<LoginRecord> {
    const started = performance.now();
    const collect = () =>
      this.env.post('/v1/collect', o.bundle, {
        'x-kizuki-key': o.tenant.publishableKey,
        origin: this.site.origin,
        'user-agent': o.userAgent,
      });
    let c = await collect();
    // 429: every replay posts from the harness's one address, over the api's per-IP limit on collect
    // (people's browsers each have their own): wait as long as the answer says, as a client should
    while (c.status === 429) {
      const after = Number((c.body as { error?: { details?: { retryAfter?: number } } })?.error?.details?.retryAfter);
      await new Promise((done) => setTimeout(done, 1000 * (Number.isFinite(after) && after > 0 ? after : 1)));
      c = await collect();
    }
    // 503: the api could not enqueue in time (a starved host). A browser would have sent the login
    // on without a token; the harness retries a few times, then counts an error instead of a login
    for (let retry = 1; c.status === 503 && retry <= COLLECT_RETRIES; retry++) {
      await new Promise((done) => setTimeout(done, 1000 * retry));
      c = await collect();
    }
    if (c.status === 503) {
      const answer = { error: c.body } as unknown as Assessment;
      return this.record(o.scenario, o.tenant, o.account, answer, started, o.record !== false);
    }
    if (c.status !== 202) throw new Error(`collect answered ${c.status}: ${JSON.stringify(c.body)}`);
    const r = await this.risk(o.tenant, {
      requestToken: c.body.requestToken,
      account: o.account,
      succeeded: o.succeeded,
      ip: o.ip,
      userAgent: o.userAgent,
      acceptLanguage: o.acceptLanguage,
      event: o.event,
    });
    const rec = await this.record(o.scenario, o.tenant, o.account, r.body, started, o.record !== false);
    rec.replay = true;
    return rec;
  }

  async risk(
    tenant: Tenant,
    o: {
      requestToken?: string;
      account: string;
      succeeded: boolean;
      ip: string;
      userAgent: string;
      acceptLanguage?: string;
      event?: LifecycleCall;
    },
  ): Promise<{ status: number; body: Assessment }> {
    const e = o.event;
    const r = await this.env.post(
      '/v1/risk',
      {
        ...(o.requestToken ? { requestToken: o.requestToken } : {}),
        event: e?.event ?? 'login',
        ...(e?.changes ? { changes: e.changes } : {}),
        status: o.succeeded ? 'succeeded' : 'failed',
        user: { id: o.account, ...(e?.emailDomain ? { emailDomain: e.emailDomain } : {}) },
        context: {
          ip: o.ip,
          userAgent: o.userAgent.slice(0, 1024),
          ...(o.acceptLanguage ? { acceptLanguage: o.acceptLanguage.slice(0, 256) } : {}),
        },
      },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
    return { status: r.status, body: r.body };
  }

  /** The customer's follow-up: the person passed (or failed) the second factor, or confirms the login. */
  async feedback(
    tenant: Tenant,
    assessmentId: string,
    label: 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed',
  ): Promise<void> {
    const r = await this.env.post(
      '/v1/feedback',
      { assessmentId, label },
      { authorization: `Bearer ${tenant.secretKey}` },
    );
    if (r.status !== 200) throw new Error(`feedback answered ${r.status}: ${JSON.stringify(r.body)}`);
  }

  private async record(
    scenario: string,
    tenant: Tenant,
    account: string,
    answer: Assessment & { error?: unknown },
    started: number,
    keep = true,
  ): Promise<LoginRecord> {
    let a: Assessment | null = null;
    // a degraded answer (scoring past RISK_TIMEOUT_MS on a loaded host) is still scored and stored by
    // the worker a moment later: wait for it, so the scenario's feedback finds the assessment
    const deadline = performance.now() + (answer?.degraded ? 60_000 : 0);
    while (answer?.id) {
      const stored = await this.env.get(`/v1/assessments/${answer.id}`, {
        authorization: `Bearer ${tenant.secretKey}`,
      });
      if (stored.status === 200) a = stored.body as Assessment;
      if (a || performance.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const rec: LoginRecord = a
      ? {
          scenario,
          id: a.id,
          account,
          ok: true,
          decision: a.decision,
          score: a.score,
          scores: a.scores ?? {},
          reasons: (a.reasons ?? []).map((r) => r.code),
          details: (a.reasons ?? []).map((r) => `${r.code}: ${r.detail}`),
          device: a.device?.status ?? null,
          degraded: !!a.degraded,
          ms: performance.now() - started,
        }
      : answer?.decision
        ? // answered (the fallback when degraded) but no stored assessment: scoring failed
          {
            scenario,
            id: answer.id ?? null,
            account,
            ok: false,
            decision: answer.decision,
            score: answer.score ?? null,
            scores: {},
            reasons: [],
            details: [JSON.stringify(answer).slice(0, 300)],
            device: null,
            degraded: !!answer.degraded,
            ms: performance.now() - started,
          }
        : {
            scenario,
            id: null,
            account,
            ok: false,
            decision: 'error',
            score: null,
            scores: {},
            reasons: [],
            details: [JSON.stringify(answer).slice(0, 300)],
            device: null,
            degraded: false,
            ms: performance.now() - started,
          };
    if (keep) this.log.push(rec);
    return rec;
  }

  private async handle(
    method: string,
    url: string,
    headers: Record<string, string | string[] | undefined>,
    body: string,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const u = new URL(url, this.site.url);
    const sim = this.sims.get(u.searchParams.get('sim') ?? '');
    if (method === 'GET' && u.pathname === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' });
      res.end(APP_JS);
      return;
    }
    if (!sim) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (method === 'GET' && u.pathname === '/login') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(loginHtml(this.env.baseUrl, sim.tenant.publishableKey, u.search));
      return;
    }
    if (method === 'POST' && u.pathname === '/session') {
      const form = parseForm(body);
      const account = form.username ?? '';
      const expected = this.passwords.get(`${sim.tenant.tenantId}\n${account}`);
      const succeeded = expected !== undefined && form.password === expected;
      const risk = await this.risk(sim.tenant, {
        requestToken: form.kizuki_request_token || undefined,
        account: account || 'anonymous',
        succeeded,
        ip: sim.ip,
        userAgent: String(headers['user-agent'] ?? ''),
        acceptLanguage: String(headers['accept-language'] ?? '') || undefined,
      }).catch((e: unknown) => ({ status: 0, body: { error: String(e) } }));
      res.writeHead(succeeded ? 200 : 401, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>Signed in?</title><h1>${succeeded ? 'Welcome back' : 'Wrong password'}</h1>` +
          `<pre id="risk">${escapeHtml(JSON.stringify(risk))}</pre>`,
      );
      return;
    }
    res.writeHead(404);
    res.end();
  }
}

/** What a stealth framework does: hide the automation traits the SDK and BotD-style checks read. */
export const STEALTH_SCRIPT =
  `(() => {
  try { delete Object.getPrototypeOf(navigator).webdriver; } catch (e) {}
  Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
  if (!navigator.languages || navigator.languages.length === 0) Object.defineProperty(Navigator.prototype, ` +
  `'languages', { get: () => ['en-US', 'en'] });
  if (window.Notification && Notification.permission === 'denied') Object.defineProperty(Notification, ` +
  `'permission', { get: () => 'default' });
  window.chrome = window.chrome || { runtime: {}, app: { isInstalled: false } };
  for (const k of Object.getOwnPropertyNames(window)) if (/^(cdc_|__playwright|__pw|__webdriver)/.test(k)) ` +
  `try { delete window[k]; } catch (e) {}
})();`;

/**
 * A stronger stealth framework (as puppeteer-extra's stealth plugin): every getter it replaces, and
 * window.chrome's functions, print as native code (Function.prototype.toString proxied), the
 * Permissions API agrees with Notification.permission, and no automation global is left. Only
 * what the browser does (the DevTools protocol, the window, the GPU, behaviour) can still show it.
 */
export const PATCHED_SCRIPT = `(() => {
  const looks = new WeakMap();
  const toString = Function.prototype.toString;
  const proxy = new Proxy(toString, {
    apply: (t, self, args) => (looks.has(self) ? looks.get(self) : Reflect.apply(t, self, args)),
  });
  const native = (fn, name) => (looks.set(fn, 'function ' + name + '() { [native code] }'), fn);
  Function.prototype.toString = native(proxy, 'toString');
  const getter = (o, k, v) => Object.defineProperty(o, k, { get: native(() => v, 'get ' + k), configurable: true });
  try { delete Object.getPrototypeOf(navigator).webdriver; } catch (e) {}
  getter(Navigator.prototype, 'webdriver', false);
  getter(Navigator.prototype, 'languages', ['en-US', 'en']);
  if (window.Notification) getter(Notification, 'permission', 'default');
  const query = Permissions.prototype.query;
  Permissions.prototype.query = native(function query(d) {
    return d && d.name === 'notifications' ? Promise.resolve({ state: 'prompt' }) : query.call(this, d);
  }, 'query');
  const now = Date.now() / 1000;
  window.chrome = {
    app: { isInstalled: false },
    runtime: {},
    loadTimes: native(() => ({ requestTime: now, startLoadTime: now, commitLoadTime: now }), 'loadTimes'),
    csi: native(() => ({ startE: now * 1000, onloadT: now * 1000, pageT: 1, tran: 15 }), 'csi'),
  };
  for (const k of Object.getOwnPropertyNames(window))
    if (/^(cdc_|__playwright|__pw|__webdriver)/.test(k)) try { delete window[k]; } catch (e) {}
})();`;

const APP_JS = `(function () {
  var s = document.currentScript;
  window.kz = Kizuki.load({ publishableKey: s.dataset.key, endpoint: s.dataset.endpoint });
  kz.watch(document.getElementById('login'));
})();`;

function loginHtml(endpoint: string, pk: string, search: string): string {
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Example Shop</title>
<style>body{font:16px system-ui,sans-serif;margin:0;background:#f5f5f7}` +
    `main{max-width:360px;margin:60px auto;padding:32px;background:#fff;border-radius:8px}
label{display:block;margin:16px 0 4px}input{width:100%;box-sizing:border-box;padding:10px;font-size:16px}` +
    `button{margin-top:24px;width:100%;padding:12px;font-size:16px}</style></head>
<body><main><h1>Sign in</h1>
<form id="login" action="/session${escapeHtml(search)}" method="post">
  <label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required>
  <label for="password">Password</label><input id="password" name="password" type="password" ` +
    `autocomplete="current-password" required>
  <button id="submit" type="submit">Sign in</button>
</form></main>
<script src="${escapeHtml(endpoint)}/sdk/kizuki.js"></script>
<script src="/app.js" data-key="${escapeHtml(pk)}" data-endpoint="${escapeHtml(endpoint)}"></script>
</body></html>`
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export { gaussian, seededRng };
