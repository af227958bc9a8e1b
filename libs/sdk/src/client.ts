// The Kizuki client: owns the signal sources, builds the SignalBundle, posts it, and puts the
// request token into watched forms on submit.
import {
  RISK_EVENTS,
  SIGNAL_BUNDLE_VERSION,
  type DeviceSignals,
  type RiskEvent,
  type SignalBundle,
} from '@kizuki/contract';
import { AutomationSource } from './automation';
import { halveMoves } from './core/trajectory';
import { collectDevice, emptyDevice, storageId } from './device';
import { targetRole } from './fields';
import { PageSource } from './page';
import { PointerSource } from './pointer';
import { postBundle } from './transport';
import { TypingSource } from './typing';
import { LIMITS } from './util';
import { SDK_VERSION } from './version';

export const TOKEN_FIELD = 'kizuki_request_token';

export interface LoadOptions {
  /** The tenant's publishable key (pk_…), sent as X-Kizuki-Key. */
  publishableKey: string;
  /** Base URL of the Kizuki API, e.g. https://risk.example.com. Default: this page's origin. */
  endpoint?: string;
  /** Per-attempt request timeout in ms (one retry). Default 1500. */
  timeoutMs?: number;
  /** Longest a watched form's submission is held while collecting, in ms. Default 2500. */
  submitTimeoutMs?: number;
  /** Longest collect() waits for the device fingerprint before sending without it, in ms. Default 1000. */
  deviceWaitMs?: number;
  /**
   * Which event the watched forms are for ('login', 'registration', 'password_reset_request',
   * 'password_reset', 'profile_update'), sent with the signals: a risk call for another event then
   * does not accept the token. Per form: watch(form, { event }) or data-kizuki-event="…" on the form.
   */
  event?: RiskEvent;
}

/** One of RISK_EVENTS, or undefined (anything else a page wrote is ignored, never sent). */
export function riskEvent(v: unknown): RiskEvent | undefined {
  return (RISK_EVENTS as readonly unknown[]).includes(v) ? (v as RiskEvent) : undefined;
}

function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      () => (clearTimeout(t), resolve(fallback)),
    );
  });
}

/** Serialise, shrinking the pointer trajectory (then clicks, then keys) until it fits the body cap. */
export function serialise(b: SignalBundle, maxBytes: number = LIMITS.bodyBytes): string {
  const size = (s: string) => (typeof TextEncoder !== 'undefined' ? new TextEncoder().encode(s).length : s.length * 3);
  let body = JSON.stringify(b);
  for (let i = 0; size(body) > maxBytes && i < 40; i++) {
    if (b.pointer.moves.length > 3) b.pointer.moves = halveMoves(b.pointer.moves);
    else if (b.pointer.clicks.length) b.pointer.clicks = b.pointer.clicks.slice(0, b.pointer.clicks.length >> 1);
    else b.typing.fields.forEach((f) => (f.keys = f.keys.slice(0, f.keys.length >> 1)));
    body = JSON.stringify(b);
  }
  return body;
}

export class Kizuki {
  private readonly typing = new TypingSource();
  private readonly pointer = new PointerSource((el) => targetRole(el));
  private readonly page = new PageSource();
  private readonly automation = new AutomationSource();
  private device: Promise<DeviceSignals> | null = null;
  /** watched forms, and the event each was watched for */
  private readonly forms = new Map<HTMLFormElement, RiskEvent | undefined>();
  private readonly pending = new Set<HTMLFormElement>();
  private submitOff: (() => void) | null = null;
  private started = false;

  readonly options: Required<Omit<LoadOptions, 'event'>> & { event?: RiskEvent };

  constructor(options: LoadOptions) {
    this.options = {
      endpoint: typeof location !== 'undefined' ? location.origin : '',
      timeoutMs: 1500,
      submitTimeoutMs: 2500,
      deviceWaitMs: 1000,
      ...options,
      event: riskEvent(options.event),
    };
  }

  /** Start the signal sources (load() does it; idempotent). */
  start(): this {
    if (this.started || typeof window === 'undefined') return this;
    this.started = true;
    this.page.start();
    this.pointer.start();
    this.automation.start();
    this.device = collectDevice();
    return this;
  }

  /** Resolves once the device fingerprint and the automation checks are done. */
  async ready(): Promise<void> {
    this.start();
    await Promise.all([this.device, this.automation.snapshot()]);
  }

  /**
   * Observe the username/password fields inside `target` (a form, any container or a selector).
   * A watched form gets a hidden `kizuki_request_token` input on submit. Returns an unwatch function.
   * `event`: what the form is for (else its data-kizuki-event attribute, else LoadOptions.event).
   */
  watch(target: Element | string, opts: { event?: RiskEvent } = {}): () => void {
    this.start();
    const el = typeof target === 'string' ? document.querySelector(target) : target;
    if (!el) return () => undefined;
    const unwatch = this.typing.watch(el);
    const form = el.tagName === 'FORM' ? (el as HTMLFormElement) : null;
    if (form) {
      this.forms.set(form, riskEvent(opts.event) ?? riskEvent(form.getAttribute('data-kizuki-event')));
      // on window, bubbling: runs after the page's own submit handlers, so a page that handles
      // the submission itself (preventDefault + fetch) is left alone
      if (!this.submitOff) {
        const h = (e: Event) => this.onSubmit(e as SubmitEvent);
        window.addEventListener('submit', h);
        this.submitOff = () => window.removeEventListener('submit', h);
      }
    }
    return () => {
      unwatch();
      if (form) this.forms.delete(form);
    };
  }

  /** The bundle as it would be sent now (`event`: what it is for, else LoadOptions.event). */
  async signals(opts: { event?: RiskEvent } = {}): Promise<SignalBundle> {
    this.start();
    const wait = this.options.deviceWaitMs;
    const [device, automation] = await Promise.all([
      // a slow fingerprint does not hold the login up: send without it
      within(this.device || collectDevice(), wait, null),
      within(this.automation.snapshot(), wait, null),
    ]);
    return {
      v: SIGNAL_BUNDLE_VERSION,
      sdk: { version: SDK_VERSION },
      device: device || emptyDevice(storageId()),
      automation: automation || {
        webdriver: navigator.webdriver === true,
        bot: false,
        signals: ['timeout'],
        untrustedEvents: 0,
      },
      typing: { fields: this.typing.snapshot() },
      pointer: this.pointer.snapshot(),
      page: this.page.snapshot(undefined, riskEvent(opts.event) ?? this.options.event),
    };
  }

  /**
   * Send the signals; resolves to the request token, or null if that failed (never rejects).
   * `event`: what the token is for (a single-page app's registration: collect({ event: 'registration' })).
   */
  async collect(opts: { event?: RiskEvent } = {}): Promise<string | null> {
    try {
      const body = serialise(await this.signals(opts));
      const answer = await postBundle(this.options.endpoint, this.options.publishableKey, body, {
        timeoutMs: this.options.timeoutMs,
        retries: 1,
      });
      if (!answer) return null;
      this.typing.reset(); // the next attempt (e.g. after a wrong password) is typed afresh
      return answer.requestToken;
    } catch {
      return null;
    }
  }

  private onSubmit(e: SubmitEvent): void {
    const form = e.target as HTMLFormElement;
    if (!this.forms.has(form) || e.defaultPrevented) return;
    e.preventDefault();
    if (this.pending.has(form)) return; // a second click while collecting
    this.pending.add(form);
    const submitter = e.submitter as HTMLButtonElement | HTMLInputElement | null;
    const event = this.forms.get(form) ?? riskEvent(form.getAttribute('data-kizuki-event'));
    within(this.collect({ event }), this.options.submitTimeoutMs, null).then((token) => {
      this.pending.delete(form);
      setToken(form, token);
      submitForReal(form, submitter);
    });
  }
}

/** Add (or update) the hidden token input; empty when collecting failed. */
export function setToken(form: HTMLFormElement, token: string | null): void {
  let input = form.querySelector<HTMLInputElement>(`input[name="${TOKEN_FIELD}"]`);
  if (!input) {
    input = document.createElement('input');
    input.type = 'hidden';
    input.name = TOKEN_FIELD;
    form.appendChild(input);
  }
  input.value = token || '';
}

const SUBMITTER_ATTRS: Array<[string, string]> = [
  ['formaction', 'action'],
  ['formmethod', 'method'],
  ['formenctype', 'enctype'],
  ['formtarget', 'target'],
];

/**
 * Submit without firing `submit` again (the page's handlers already ran once), keeping what the
 * submitter would have added: its name=value and its form* overrides.
 */
export function submitForReal(form: HTMLFormElement, submitter: HTMLButtonElement | HTMLInputElement | null): void {
  let extra: HTMLInputElement | null = null;
  const restore: Array<[string, string | null]> = [];
  if (submitter && submitter.form === form) {
    if (submitter.name && !submitter.disabled) {
      extra = document.createElement('input');
      extra.type = 'hidden';
      extra.name = submitter.name;
      extra.value = submitter.value;
      form.appendChild(extra);
    }
    for (const [from, to] of SUBMITTER_ATTRS) {
      if (submitter.hasAttribute(from)) {
        restore.push([to, form.getAttribute(to)]);
        form.setAttribute(to, submitter.getAttribute(from) || '');
      }
    }
  }
  try {
    HTMLFormElement.prototype.submit.call(form); // `form.submit` may be shadowed by an input named "submit"
  } finally {
    if (extra) form.removeChild(extra);
    restore.forEach(([a, v]) => (v === null ? form.removeAttribute(a) : form.setAttribute(a, v)));
  }
}
