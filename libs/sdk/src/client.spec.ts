/** @jest-environment jsdom */
import type { SignalBundle } from '@kizuki/contract';

describe('import', () => {
  it('runs nothing at import time', () => {
    const docAdd = jest.spyOn(document, 'addEventListener');
    const winAdd = jest.spyOn(window, 'addEventListener');
    const setItem = jest.spyOn(Storage.prototype, 'setItem');
    jest.isolateModules(() => {
      // isolateModules needs a synchronous load: the module is imported afresh inside the callback.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('./index');
      expect(typeof sdk.load).toBe('function');
    });
    expect(docAdd).not.toHaveBeenCalled();
    expect(winAdd).not.toHaveBeenCalled();
    expect(setItem).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });
});

import { load } from './index';
import { Kizuki, TOKEN_FIELD, serialise, setToken, submitForReal } from './client';

function bundle(moves: number): SignalBundle {
  return {
    v: 1,
    sdk: { version: 't' },
    device: { visitorId: 'v', storageId: null, components: {}, confidence: 0.5 },
    automation: { webdriver: false, bot: false, signals: [], untrustedEvents: 0 },
    typing: { fields: [] },
    pointer: {
      type: 'mouse',
      start: { x: 0, y: 0, t: 0 },
      moves: Array.from({ length: moves * 3 }, (_, i) => 1000 + i),
      eventCount: moves,
      clicks: [],
      touches: 0,
      viewport: { w: 1, h: 1 },
    },
    page: { loadToSubmitMs: 1, focusChanges: 0, blurCount: 0, visibilityChanges: 0, path: '/' },
  };
}

describe('serialise', () => {
  it('leaves a small bundle alone and shrinks a big one under the body cap', () => {
    const small = bundle(10);
    expect(JSON.parse(serialise(small))).toEqual(small);
    const big = bundle(2000);
    const end = big.pointer.moves.reduce((a, b) => a + b, 0);
    const body = serialise(big, 20_000);
    expect(body.length).toBeLessThanOrEqual(20_000);
    const out = JSON.parse(body) as SignalBundle;
    expect(out.pointer.moves.reduce((a, b) => a + b, 0)).toBe(end);
  });
});

describe('load', () => {
  it('is idempotent per publishable key and validates it', () => {
    const a = load({ publishableKey: 'pk_a', endpoint: 'https://k.test', deviceWaitMs: 10 });
    expect(load({ publishableKey: 'pk_a' })).toBe(a);
    expect(load({ publishableKey: 'pk_b' })).not.toBe(a);
    expect(() => load({} as never)).toThrow(TypeError);
  });
});

/** jsdom has no SubmitEvent: a plain cancelable submit event carrying `submitter` */
function submitEvent(submitter: HTMLElement | null): Event {
  const e = new Event('submit', { cancelable: true, bubbles: true });
  Object.defineProperty(e, 'submitter', { value: submitter });
  return e;
}

describe('forms', () => {
  let fetchMock: jest.Mock;
  let submit: jest.SpyInstance;
  let posted: Array<Record<string, string>>;

  beforeEach(() => {
    posted = [];
    document.body.innerHTML = `
      <form id="f" action="/login" method="post">
        <input name="username" autocomplete="username"><input type="password" name="password">
        <button id="go" name="action" value="signin" formaction="/login2">Sign in</button>
      </form>`;
    submit = jest.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(function (this: HTMLFormElement) {
      posted.push({ ...Object.fromEntries(new FormData(this) as never), '@action': this.getAttribute('action') || '' });
    });
    // jsdom has no Response: a minimal stand-in
    fetchMock = jest.fn(async () => ({
      status: 202,
      ok: true,
      json: async () => ({ requestToken: 'rt_ok', expiresAt: 'x' }),
    }));
    (globalThis as any).fetch = fetchMock;
  });
  afterEach(() => jest.restoreAllMocks());

  const flush = () => new Promise((r) => setTimeout(r, 50));

  it('adds the token and submits for real, once, with the submitter name and formaction', async () => {
    const k = new Kizuki({ publishableKey: 'pk_f', endpoint: 'https://k.test', deviceWaitMs: 10 });
    const form = document.getElementById('f') as HTMLFormElement;
    k.watch(form);
    const btn = document.getElementById('go') as HTMLButtonElement;
    form.dispatchEvent(submitEvent(btn));
    form.dispatchEvent(submitEvent(btn)); // double click
    await flush();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(submit).toHaveBeenCalledTimes(1);
    expect(posted[0]).toMatchObject({ [TOKEN_FIELD]: 'rt_ok', action: 'signin', '@action': '/login2' });
    expect(form.getAttribute('action')).toBe('/login'); // restored
    expect(form.querySelectorAll(`[name=action]`)).toHaveLength(1); // the temporary input is gone
    const body = JSON.parse(fetchMock.mock.calls[0][1].body);
    expect(Object.keys(body).sort()).toEqual(['automation', 'device', 'page', 'pointer', 'sdk', 'typing', 'v']);
  });

  it('submits with an empty token when the API is down', async () => {
    fetchMock.mockImplementation(async () => {
      throw new TypeError('Failed to fetch');
    });
    const k = new Kizuki({ publishableKey: 'pk_g', endpoint: 'https://k.test', deviceWaitMs: 10 });
    const form = document.getElementById('f') as HTMLFormElement;
    k.watch(form);
    form.dispatchEvent(submitEvent(null));
    await flush();
    expect(fetchMock).toHaveBeenCalledTimes(2); // one retry
    expect(posted).toHaveLength(1);
    expect(posted[0][TOKEN_FIELD]).toBe('');
    expect(await k.collect()).toBeNull();
  });

  it('leaves a submission the page handles itself (preventDefault) alone', async () => {
    const k = new Kizuki({ publishableKey: 'pk_h', endpoint: 'https://k.test', deviceWaitMs: 10 });
    const form = document.getElementById('f') as HTMLFormElement;
    form.addEventListener('submit', (e) => e.preventDefault());
    k.watch(form);
    form.dispatchEvent(submitEvent(null));
    await flush();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(submit).not.toHaveBeenCalled();
    expect(await k.collect()).toBe('rt_ok');
  });

  it("says which event a form is for: watch's option, else data-kizuki-event, else LoadOptions.event", async () => {
    const k = new Kizuki({ publishableKey: 'pk_e', endpoint: 'https://k.test', deviceWaitMs: 10, event: 'login' });
    const form = document.getElementById('f') as HTMLFormElement;
    const sentEvent = async () => {
      fetchMock.mockClear();
      form.dispatchEvent(submitEvent(null));
      await flush();
      return JSON.parse(fetchMock.mock.calls[0][1].body).page.event;
    };
    form.setAttribute('data-kizuki-event', 'registration');
    const unwatch = k.watch(form);
    expect(await sentEvent()).toBe('registration');
    unwatch();
    k.watch(form, { event: 'profile_update' });
    expect(await sentEvent()).toBe('profile_update');
    // an unknown value is never sent; the page default applies
    form.setAttribute('data-kizuki-event', 'logout');
    k.watch(form, {});
    expect(await sentEvent()).toBe('login');
    expect((await k.signals({ event: 'password_reset' })).page.event).toBe('password_reset');
    const plain = new Kizuki({ publishableKey: 'pk_e', endpoint: 'https://k.test', deviceWaitMs: 10 });
    expect('event' in (await plain.signals()).page).toBe(false);
  });

  it('setToken creates one hidden input and updates it', () => {
    const form = document.getElementById('f') as HTMLFormElement;
    setToken(form, 'a');
    setToken(form, null);
    const inputs = form.querySelectorAll<HTMLInputElement>(`input[name=${TOKEN_FIELD}]`);
    expect(inputs).toHaveLength(1);
    expect(inputs[0].type).toBe('hidden');
    expect(inputs[0].value).toBe('');
  });

  it('submitForReal works when an input named "submit" shadows form.submit', () => {
    document.body.innerHTML = '<form id="s"><input name="submit" value="x"></form>';
    const form = document.getElementById('s') as HTMLFormElement;
    submitForReal(form, null);
    expect(submit).toHaveBeenCalledTimes(1);
  });
});
