// Typing signal source: key-down/key-up times and a key class per watched text field.
// NEVER the key value and never the field's content: `e.code` is only held, in memory, to pair a
// key-up with its key-down while the key is pressed, and dropped at key-up.
import type { FieldRole, FieldTyping, KeyEvent } from '@kizuki/contract';
import { inputTypeClass, keyClass } from './core/key-class';
import { r1 } from './core/round';
import { fieldRole, isTextField, type TextField } from './fields';
import { LIMITS, eventTime, on } from './util';

interface FieldState {
  el: TextField;
  role: FieldRole;
  keys: KeyEvent[]; // absolute times (performance.now timeline); u = -1 while pressed
  pressed: Map<string, KeyEvent>;
  // the trusted identified keydown whose beforeinput is still due: it comes in the same task, so
  // by order, not time (a busy page stamps the keydown at the press and its input later)
  keyAwaitingInput: KeyEvent | null;
  imeDown: number; // time of an unidentified keydown, -1 if none
  imeKey: KeyEvent | null; // last key built from beforeinput, until its key-up
  sawBeforeInput: boolean;
  first: number;
  pasted: boolean;
  autofilled: boolean;
  imeFallback: boolean;
  inputEvents: number;
}

function newState(el: TextField): FieldState {
  return {
    el,
    role: fieldRole(el),
    keys: [],
    pressed: new Map(),
    keyAwaitingInput: null,
    imeDown: -1,
    imeKey: null,
    sawBeforeInput: false,
    first: -1,
    pasted: false,
    autofilled: false,
    imeFallback: false,
    inputEvents: 0,
  };
}

function isAutofilled(el: Element): boolean {
  for (const sel of [':autofill', ':-webkit-autofill']) {
    try {
      if (el.matches(sel)) return true;
    } catch {
      /* selector unsupported */
    }
  }
  return false;
}

export class TypingSource {
  /** `trusted` is injectable for tests (script-dispatched events are never trusted). */
  constructor(private readonly trusted: (e: Event) => boolean = (e) => e.isTrusted) {}

  private readonly fields = new Map<TextField, FieldState>();
  private readonly containers = new Set<Element>();
  private off: Array<() => void> = [];

  /** Observe the text fields inside `container` (fields added later included). */
  watch(container: Element): () => void {
    this.containers.add(container);
    if (!this.off.length) this.listen(container.ownerDocument || document);
    return () => {
      this.containers.delete(container);
      if (!this.containers.size) this.stop();
    };
  }

  stop(): void {
    this.off.forEach((f) => f());
    this.off = [];
  }

  private listen(doc: Document): void {
    const h =
      <E extends Event>(fn: (s: FieldState, e: E, t: number) => void) =>
      (e: Event) => {
        const s = this.state(e.target);
        if (s) fn(s, e as E, eventTime(e));
      };
    this.off = [
      on(
        doc,
        'keydown',
        h((s, e: KeyboardEvent, t) => this.keydown(s, e, t)),
      ),
      on(
        doc,
        'keyup',
        h((s, e: KeyboardEvent, t) => this.keyup(s, e, t)),
      ),
      on(
        doc,
        'beforeinput',
        h((s, e: InputEvent, t) => this.beforeinput(s, e, t)),
      ),
      on(
        doc,
        'input',
        h((s, e: InputEvent, t) => this.input(s, e, t)),
      ),
      on(
        doc,
        'paste',
        h((s) => (s.pasted = true)),
      ),
      on(
        doc,
        'drop',
        h((s) => (s.pasted = true)),
      ),
    ];
  }

  private state(target: EventTarget | null): FieldState | null {
    if (!isTextField(target)) return null;
    let s = this.fields.get(target);
    if (s) {
      if (s.role !== 'password' && target.type === 'password') s.role = 'password';
      return s;
    }
    let inside = false;
    this.containers.forEach((c) => (inside = inside || c.contains(target)));
    if (!inside || this.fields.size >= LIMITS.fields) return null;
    s = newState(target);
    this.fields.set(target, s);
    return s;
  }

  private push(s: FieldState, k: KeyEvent): boolean {
    if (s.first < 0) s.first = k.d;
    if (s.keys.length >= LIMITS.keysPerField) return false;
    s.keys.push(k);
    return true;
  }

  private keydown(s: FieldState, e: KeyboardEvent, t: number): void {
    if (!this.trusted(e)) return; // counted by the automation source, never typing
    const c = keyClass(e.key, e.keyCode);
    if (c === null || e.isComposing) {
      s.imeFallback = true;
      s.imeDown = t;
      return;
    }
    // a shortcut (Ctrl+V, Cmd+A) is not a typed character; AltGr reports Ctrl+Alt, so it stays 'char'
    const k: KeyEvent = { d: t, u: -1, c: c === 'char' && (e.metaKey || (e.ctrlKey && !e.altKey)) ? 'other' : c };
    const id = e.code || String(e.keyCode);
    // its input is this key's, never an input method's: also for a held key's repeats (not recorded
    // as keys) and for keys past the field's cap
    if (k.c !== 'modifier' && k.c !== 'other') s.keyAwaitingInput = (e.repeat && s.pressed.get(id)) || k;
    if (e.repeat || !this.push(s, k)) return;
    s.pressed.set(id, k);
  }

  private keyup(s: FieldState, e: KeyboardEvent, t: number): void {
    if (!this.trusted(e)) return;
    if (keyClass(e.key, e.keyCode) === null) {
      if (s.imeKey) s.imeKey.u = Math.max(t, s.imeKey.d);
      s.imeKey = null;
      return;
    }
    const id = e.code || String(e.keyCode);
    const k = s.pressed.get(id);
    if (k) {
      k.u = t;
      s.pressed.delete(id);
      if (s.keyAwaitingInput === k) s.keyAwaitingInput = null; // released without an input (prevented)
    }
  }

  private beforeinput(s: FieldState, e: InputEvent, t: number): void {
    if (!this.trusted(e)) return;
    s.sawBeforeInput = true;
    const type = e.inputType || '';
    if (/^insertFrom(Paste|Drop|PasteAsQuotation)$/.test(type)) {
      s.pasted = true;
      return;
    }
    if (type === 'insertReplacementText') {
      s.autofilled = true; // a browser suggestion / autocomplete entry replaced the value
      return;
    }
    if (s.keyAwaitingInput) {
      s.keyAwaitingInput = null; // this input belongs to the identified key already recorded
      return;
    }
    // An input without an identified key: IME composition or a virtual keyboard.
    s.imeFallback = true;
    const d = s.imeDown >= 0 && t - s.imeDown < 1000 ? s.imeDown : t;
    s.imeDown = -1;
    const k: KeyEvent = { d, u: t, c: inputTypeClass(type) };
    s.imeKey = this.push(s, k) ? k : null;
  }

  private input(s: FieldState, e: InputEvent, t: number): void {
    s.inputEvents++;
    // The browser's or a password manager's fill sends input without beforeinput (and
    // extensions send untrusted ones); typing and pasting always go through beforeinput.
    if (!s.sawBeforeInput || !this.trusted(e)) s.autofilled = true;
    s.sawBeforeInput = false;
    if (s.imeKey) s.imeKey.u = Math.max(t, s.imeKey.u); // provisional key-up, until a key-up comes
  }

  /** The fields' typing so far, relative to each field's first key-down. */
  snapshot(): FieldTyping[] {
    // fields filled without any event we saw (autofill before the SDK loaded, or :autofill)
    this.containers.forEach((c) =>
      c.querySelectorAll('input').forEach((el) => {
        if (!isTextField(el) || this.fields.has(el) || this.fields.size >= LIMITS.fields) return;
        if (isAutofilled(el) || (el.value !== '' && el.value !== el.defaultValue)) {
          const s = newState(el);
          s.autofilled = true;
          this.fields.set(el, s);
        }
      }),
    );
    const out: FieldTyping[] = [];
    this.fields.forEach((s) => {
      const base = s.keys.length ? s.keys[0].d : 0;
      out.push({
        role: s.role,
        keys: s.keys.map((k) => ({ d: r1(k.d - base), u: r1((k.u < 0 ? k.d : k.u) - base), c: k.c })),
        pasted: s.pasted,
        autofilled: s.autofilled || (isAutofilled(s.el) && !s.keys.length),
        imeFallback: s.imeFallback,
        inputEvents: s.inputEvents,
        startMs: s.first < 0 ? -1 : r1(s.first),
      });
    });
    // passwords and usernames first, so they survive any cap downstream
    const rank = (r: FieldRole) => (r === 'password' ? 0 : r === 'username' ? 1 : 2);
    return out.sort((a, b) => rank(a.role) - rank(b.role));
  }

  /** Forget recorded typing (after a bundle was accepted), keep watching. */
  reset(): void {
    this.fields.clear();
  }
}
