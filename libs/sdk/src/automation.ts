// Automation signal source: navigator.webdriver, headless-browser and automation-framework
// artifacts, and a count of input events that scripts dispatched (isTrusted === false).
//
// The checks port the detectors of BotD (@fingerprintjs/botd v2, MIT, FingerprintJS Inc.), which
// as a dependency would put the bundle over its 24 KB gzip budget next to FingerprintJS, plus a
// few of our own (Playwright/Puppeteer/Cypress globals, chromedriver's $cdc_ key).
import type { AutomationSignals } from '@kizuki/contract';
import { FirstInput, PointerWhileTyping, stealthSignals } from './stealth';
import { LIMITS, on } from './util';

const UNTRUSTED_TYPES = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'paste',
  'pointerdown',
  'pointerup',
  'mousedown',
  'mouseup',
  'click',
  'touchstart',
  'touchend',
  'focusin',
];

/** Global names left by automation frameworks (window, then document), by what they reveal. */
const GLOBALS: Array<[string, RegExp]> = [
  ['playwright', /^(__playwright__binding__|__pwInitScripts|__playwright_evaluation_script__)$/],
  ['puppeteer', /^(__puppeteer_evaluation_script__|puppeteer)$/],
  [
    'selenium',
    /^(_Selenium_IDE_Recorder|_selenium|calledSelenium|callSelenium|__selenium_evaluate|selenium-evaluate|__selenium_unwrapped|[a-z]{3}_.*_(Array|Promise|Symbol))$/,
  ],
  [
    'webdriver',
    /^(webdriver|__webdriverFunc|__lastWatir(Alert|Confirm|Prompt)|_WEBDRIVER_ELEM_CACHE|ChromeDriverw|__(webdriver|driver|fxdriver)_(evaluate|unwrapped|script_fn|script_func|script_function)|\$?cdc_.*|\$chrome_asyncScriptInfo|__\$webdriverAsyncExecutor)$/,
  ],
  ['phantomjs', /^(callPhantom|_phantom|__phantomas)$/],
  ['nightmarejs', /^(__nightmare|nightmare)$/],
  ['headless_chrome', /^(domAutomation|domAutomationController)$/],
  ['cef', /^(RunPerfTest|CefSharp|awesomium)$/],
  ['cypress', /^Cypress$/],
  ['fminer', /^fmget_targets$/],
  ['webdriverio', /^wdioElectron$/],
];

const HEADLESS_UA: Array<[string, RegExp]> = [
  ['phantomjs', /PhantomJS/i],
  ['headless_chrome', /Headless/i],
  ['electron', /Electron/i],
  ['slimerjs', /SlimerJS/i],
];

function names(o: object | undefined): string[] {
  try {
    return o ? Object.getOwnPropertyNames(o) : [];
  } catch {
    return [];
  }
}

/**
 * The parts of a window the checks read. A real Window is one; on a page under automation any of them may be
 * missing or faked, so the values are checked before use.
 */
export interface WindowLike {
  navigator?: {
    userAgent?: unknown;
    appVersion?: unknown;
    webdriver?: unknown;
    languages?: unknown;
    plugins?: unknown;
    productSub?: unknown;
    permissions?: { query(descriptor: { name: 'notifications' }): Promise<{ state: string }> };
  };
  document?: { documentElement?: { getAttributeNames?: () => string[] } | null; hasFocus?: () => boolean };
  PluginArray?: unknown;
  outerWidth?: number;
  outerHeight?: number;
  process?: unknown;
  external?: unknown;
  Notification?: { permission: string };
}

/** Synchronous checks, pure over a window-like object (so they can be unit-tested). */
export function automationArtifacts(win: WindowLike): string[] {
  const found: string[] = [];
  const add = (s: string) => found.indexOf(s) < 0 && found.push(s);
  const nav = win.navigator || {};
  const plugins = nav.plugins as { length?: unknown } | null | undefined;
  const ua = String(nav.userAgent || '') + ' ' + String(nav.appVersion || '');
  const chromeDesktop = /Chrome\//.test(ua) && !/Edg\/|OPR\/|Android|Mobile/.test(ua);
  if (nav.webdriver === true) add('webdriver');
  for (const [kind, re] of HEADLESS_UA) if (re.test(ua)) add(kind + '_ua');
  // one string, one multiline scan per kind: ~1,000 global names, cheap even on a cold page
  const props = names(win).concat(names(win.document)).join('\n');
  for (const [kind, re] of GLOBALS) if (new RegExp(re.source, 'm').test(props)) add(kind);
  const root = win.document && win.document.documentElement;
  if (
    root &&
    root.getAttributeNames &&
    root.getAttributeNames().some((a: string) => /selenium|webdriver|driver/.test(a))
  )
    add('webdriver_attr');
  if (Array.isArray(nav.languages) && nav.languages.length === 0) add('no_languages');
  if (chromeDesktop && plugins && plugins.length === 0) add('no_plugins');
  if (plugins && typeof win.PluginArray === 'function' && !(plugins instanceof win.PluginArray)) add('fake_plugins');
  if (
    /Chrome\/|Safari\//.test(ua) &&
    !/Firefox\//.test(ua) &&
    nav.productSub !== undefined &&
    nav.productSub !== '20030107'
  )
    add('product_sub');
  if (win.outerWidth === 0 && win.outerHeight === 0 && win.document && win.document.hasFocus && win.document.hasFocus())
    add('no_window');
  const proc = win.process as { type?: unknown; versions?: { electron?: unknown } } | null | undefined;
  if (proc && typeof proc === 'object' && (proc.type === 'renderer' || (proc.versions && proc.versions.electron)))
    add('electron');
  try {
    if (/Sequentum/i.test(String(win.external))) add('sequentum');
  } catch {
    /* external may throw */
  }
  return found;
}

/** Asynchronous check: headless Chrome denies notifications while the permission says "prompt". */
export async function notificationInconsistency(win: WindowLike): Promise<boolean> {
  try {
    if (!win.navigator) return false;
    const ua = String(win.navigator.userAgent);
    if (!/Chrome\//.test(ua) || /Edg\/|OPR\//.test(ua) || !win.Notification || !win.navigator.permissions) return false;
    const status = await win.navigator.permissions.query({ name: 'notifications' });
    return win.Notification.permission === 'denied' && status.state === 'prompt';
  } catch {
    return false;
  }
}

export interface BotVerdict {
  bot: boolean;
  signals: string[];
  stealth: string[];
}

export async function detectAutomation(win: Window = window): Promise<BotVerdict> {
  const signals = automationArtifacts(win);
  if (await notificationInconsistency(win)) signals.push('notification_permissions');
  let stealth: string[] = [];
  try {
    stealth = await stealthSignals(win as unknown as Parameters<typeof stealthSignals>[0]);
  } catch {
    /* a check must never break collection */
  }
  return {
    bot: signals.length > 0,
    signals: signals.slice(0, LIMITS.automationSignals),
    stealth: stealth.slice(0, LIMITS.automationSignals),
  };
}

export class AutomationSource {
  private untrusted = 0;
  private verdict: Promise<BotVerdict> | null = null;
  private off: Array<() => void> = [];
  private readonly firstInput = new FirstInput();
  private readonly overlap = new PointerWhileTyping();

  start(win: Window = window): void {
    if (this.off.length) return;
    const count = (e: Event) => {
      if (!e.isTrusted) this.untrusted++;
      else {
        this.firstInput.see(e);
        this.overlap.see(e);
      }
    };
    this.off = UNTRUSTED_TYPES.map((t) => on(win.document, t, count));
    this.off.push(on(win.document, 'pointermove', (e) => e.isTrusted && this.overlap.see(e)));
    // after the current task: load() stays cheap on the page's critical path
    this.verdict = new Promise((r) => setTimeout(r, 0)).then(() => detectAutomation(win));
  }

  stop(): void {
    this.off.forEach((f) => f());
    this.off = [];
  }

  async snapshot(win: Window = window): Promise<AutomationSignals> {
    const v = await (this.verdict || (this.verdict = detectAutomation(win)));
    return {
      webdriver: (win.navigator as Navigator).webdriver === true,
      bot: v.bot,
      signals: v.signals,
      untrustedEvents: this.untrusted,
      // behaviour until now (collect time), after what the browser itself showed at start
      stealth: v.stealth
        .concat([this.firstInput.signal(), this.overlap.signal()].filter((s): s is string => !!s))
        .slice(0, LIMITS.automationSignals),
    };
  }
}
