/** @jest-environment jsdom */
import { AutomationSource, automationArtifacts, notificationInconsistency } from './automation';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

function fakeWindow(nav: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  class PluginArray {}
  const plugins = Object.assign(new PluginArray(), { length: 5 });
  const doc = { documentElement: { getAttributeNames: () => ['lang'] }, hasFocus: () => true };
  return {
    navigator: {
      userAgent: CHROME,
      appVersion: CHROME.slice(8),
      languages: ['en-US'],
      plugins,
      productSub: '20030107',
      webdriver: false,
      ...nav,
    },
    PluginArray,
    document: doc,
    outerWidth: 1280,
    outerHeight: 800,
    ...extra,
  };
}

describe('automationArtifacts', () => {
  it('finds nothing on an ordinary browser', () => {
    expect(automationArtifacts(fakeWindow())).toEqual([]);
  });

  it.each([
    [{ webdriver: true }, {}, 'webdriver'],
    [{ userAgent: CHROME.replace('Chrome/', 'HeadlessChrome/') }, {}, 'headless_chrome_ua'],
    [{ languages: [] }, {}, 'no_languages'],
    [{ plugins: { length: 0 } }, {}, 'no_plugins'],
    [{ productSub: '20100101' }, {}, 'product_sub'],
    [{}, { __playwright__binding__: () => 0 }, 'playwright'],
    [{}, { __pwInitScripts: {} }, 'playwright'],
    [{}, { cdc_adoQpoasnfa76pfcZLmcfl_Array: [] }, 'selenium'],
    [{}, { callPhantom: () => 0 }, 'phantomjs'],
    [{}, { domAutomationController: {} }, 'headless_chrome'],
    [{}, { outerWidth: 0, outerHeight: 0 }, 'no_window'],
    [{}, { process: { type: 'renderer' } }, 'electron'],
  ])('%j %j → %s', (nav, extra, signal) => {
    expect(automationArtifacts(fakeWindow(nav, extra))).toContain(signal);
  });

  it('reads chromedriver keys on document and webdriver attributes', () => {
    const w = fakeWindow();
    (w.document as any).$cdc_asdjflasutopfhvcZLmcfl_ = {};
    expect(automationArtifacts(w)).toContain('webdriver');
    const w2 = fakeWindow();
    w2.document.documentElement.getAttributeNames = () => ['webdriver'];
    expect(automationArtifacts(w2)).toContain('webdriver_attr');
  });

  it('notices headless Chrome notification permissions', async () => {
    const w: any = fakeWindow();
    w.Notification = { permission: 'denied' };
    w.navigator.permissions = { query: async () => ({ state: 'prompt' }) };
    expect(await notificationInconsistency(w)).toBe(true);
    w.Notification.permission = 'default';
    expect(await notificationInconsistency(w)).toBe(false);
  });
});

describe('AutomationSource', () => {
  it('counts untrusted input events', async () => {
    const src = new AutomationSource();
    src.start(window);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    document.body.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    document.body.dispatchEvent(new Event('scroll', { bubbles: true })); // not an input event
    const a = await src.snapshot(window);
    expect(a.untrustedEvents).toBe(2);
    expect(a.webdriver).toBe(false);
    expect(typeof a.bot).toBe('boolean');
    expect(a.signals.length).toBeLessThanOrEqual(32);
    src.stop();
  });
});
