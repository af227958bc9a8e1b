/** @jest-environment jsdom */
import { TypingSource } from './typing';

describe('TypingSource', () => {
  let clock = 0;
  let src: TypingSource;
  let form: HTMLFormElement;
  let user: HTMLInputElement;
  let pass: HTMLInputElement;

  beforeEach(() => {
    clock = 1000;
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
    document.body.innerHTML =
      '<form><input name="email" autocomplete="username"><input type="password" name="pw">' +
      '<input type="checkbox"></form><input id="outside">';
    form = document.querySelector('form')!;
    user = form.querySelector('input[name=email]')!;
    pass = form.querySelector('input[name=pw]')!;
    src = new TypingSource(() => true);
    src.watch(form);
  });
  afterEach(() => {
    src.stop();
    jest.restoreAllMocks();
  });

  const at = (t: number, el: Element, ev: Event) => {
    clock = t;
    el.dispatchEvent(ev);
  };
  const kd = (key: string, code = 'Key' + key.toUpperCase(), extra: KeyboardEventInit = {}) =>
    new KeyboardEvent('keydown', { key, code, bubbles: true, ...extra });
  const ku = (key: string, code = 'Key' + key.toUpperCase(), extra: KeyboardEventInit = {}) =>
    new KeyboardEvent('keyup', { key, code, bubbles: true, ...extra });
  const bi = (inputType: string) => new InputEvent('beforeinput', { inputType, bubbles: true });
  const inp = (inputType: string) => new InputEvent('input', { inputType, bubbles: true });

  /** a real key press: keydown, beforeinput, input, keyup */
  function press(el: Element, key: string, down: number, up: number) {
    at(down, el, kd(key));
    at(down, el, bi('insertText'));
    at(down, el, inp('insertText'));
    at(up, el, ku(key));
  }

  it('records key-down/up times relative to the first key, with classes only', () => {
    press(pass, 's', 2000, 2080);
    press(pass, 'e', 2150.04, 2210);
    at(2300, pass, kd('Backspace', 'Backspace'));
    at(2300, pass, bi('deleteContentBackward'));
    at(2300, pass, inp('deleteContentBackward'));
    at(2350, pass, ku('Backspace', 'Backspace'));
    const [f] = src.snapshot();
    expect(f).toEqual({
      role: 'password',
      keys: [
        { d: 0, u: 80, c: 'char' },
        { d: 150, u: 210, c: 'char' },
        { d: 300, u: 350, c: 'backspace' },
      ],
      pasted: false,
      autofilled: false,
      imeFallback: false,
      inputEvents: 3,
      startMs: 2000,
    });
    expect(JSON.stringify(src.snapshot())).not.toMatch(/"(s|e|KeyS|KeyE)"/);
  });

  it('pairs overlapping keys (rollover) by physical key', () => {
    at(0, user, kd('a'));
    at(30, user, kd('b'));
    at(60, user, ku('a'));
    at(90, user, ku('b'));
    expect(src.snapshot()[0].keys).toEqual([
      { d: 0, u: 60, c: 'char' },
      { d: 30, u: 90, c: 'char' },
    ]);
  });

  it('ignores auto-repeat and classes shortcuts as other; a key never released gets u = d', () => {
    at(0, user, kd('Control', 'ControlLeft', { ctrlKey: true }));
    at(10, user, kd('c', 'KeyC', { ctrlKey: true }));
    at(40, user, kd('c', 'KeyC', { ctrlKey: true, repeat: true }));
    at(50, user, ku('c', 'KeyC', { ctrlKey: true }));
    at(60, user, kd('Enter', 'Enter'));
    expect(src.snapshot()[0].keys).toEqual([
      { d: 0, u: 0, c: 'modifier' },
      { d: 10, u: 50, c: 'other' },
      { d: 60, u: 60, c: 'enter' },
    ]);
  });

  it('falls back to beforeinput/input timing when keydown is unidentified (keyCode 229)', () => {
    at(100, user, kd('Unidentified', '', { keyCode: 229 }));
    at(105, user, bi('insertText'));
    at(106, user, inp('insertText'));
    at(170, user, ku('Unidentified', '', { keyCode: 229 }));
    // a keyboard that sends no key events at all
    at(300, user, bi('insertCompositionText'));
    at(302, user, inp('insertCompositionText'));
    at(400, user, bi('deleteContentBackward'));
    at(401, user, inp('deleteContentBackward'));
    const [f] = src.snapshot();
    expect(f.imeFallback).toBe(true);
    expect(f.autofilled).toBe(false);
    expect(f.keys).toEqual([
      { d: 0, u: 70, c: 'char' },
      { d: 200, u: 202, c: 'char' },
      { d: 300, u: 301, c: 'backspace' },
    ]);
  });

  it("pairs a key's input with its keydown by order, however late a busy page dispatches it", () => {
    // the keydown carries the press's time; its beforeinput, in the same task, the time it ran
    at(2000, pass, kd('s'));
    at(3500, pass, bi('insertText'));
    at(3500, pass, inp('insertText'));
    at(3510, pass, ku('s'));
    // a key whose default the page prevented (no input), then a virtual keyboard's input
    at(4000, pass, kd('e'));
    at(4080, pass, ku('e'));
    at(4200, pass, bi('insertText'));
    at(4201, pass, inp('insertText'));
    const [f] = src.snapshot();
    expect(f.keys).toEqual([
      { d: 0, u: 1510, c: 'char' },
      { d: 2000, u: 2080, c: 'char' },
      { d: 2200, u: 2201, c: 'char' },
    ]);
    expect(f.imeFallback).toBe(true);
  });

  it("a late key's input alone is not an input method's", () => {
    at(2000, pass, kd('s'));
    at(3500, pass, bi('insertText'));
    at(3500, pass, inp('insertText'));
    at(3510, pass, ku('s'));
    const [f] = src.snapshot();
    expect(f.imeFallback).toBe(false);
    expect(f.keys).toEqual([{ d: 0, u: 1510, c: 'char' }]);
  });

  it("a held key's repeats and keys past the field's cap are typing, not an input method", () => {
    press(pass, 's', 1000, 1080);
    // Backspace held: one key, its repeats delete too
    at(1200, pass, kd('Backspace', 'Backspace'));
    at(1200, pass, bi('deleteContentBackward'));
    at(1200, pass, inp('deleteContentBackward'));
    for (const t of [1700, 1733]) {
      at(t, pass, kd('Backspace', 'Backspace', { repeat: true }));
      at(t, pass, bi('deleteContentBackward'));
      at(t, pass, inp('deleteContentBackward'));
    }
    at(1750, pass, ku('Backspace', 'Backspace'));
    let [f] = src.snapshot();
    expect(f.keys).toEqual([
      { d: 0, u: 80, c: 'char' },
      { d: 200, u: 750, c: 'backspace' },
    ]);
    expect(f.imeFallback).toBe(false);
    // a long username: keys past the cap are not recorded, and their inputs are still keys'
    for (let i = 0; i < 300; i++) press(user, 'a', 3000 + 100 * i, 3050 + 100 * i);
    [, f] = src.snapshot();
    expect(f.role).toBe('username');
    expect(f.keys).toHaveLength(256);
    expect(f.imeFallback).toBe(false);
  });

  it('flags paste without reading the clipboard, and autofill (input without beforeinput)', () => {
    const paste = new Event('paste', { bubbles: true });
    Object.defineProperty(paste, 'clipboardData', {
      get: () => {
        throw new Error('read the clipboard');
      },
    });
    at(10, pass, paste);
    at(10, pass, bi('insertFromPaste'));
    at(10, pass, inp('insertFromPaste'));
    at(20, user, new Event('input', { bubbles: true }));
    const fields = src.snapshot();
    const p = fields.find((f) => f.role === 'password')!;
    const u = fields.find((f) => f.role === 'username')!;
    expect(p).toMatchObject({ pasted: true, autofilled: false, keys: [], inputEvents: 1, startMs: -1 });
    expect(u).toMatchObject({ pasted: false, autofilled: true, keys: [] });
  });

  it('reports a field filled before any event as autofilled, a server-prefilled one not', () => {
    user.defaultValue = 'Pr3filledName';
    pass.value = 'S3cretFromManager';
    const fields = src.snapshot();
    expect(fields).toHaveLength(1);
    expect(fields[0]).toMatchObject({ role: 'password', autofilled: true, keys: [], inputEvents: 0 });
    expect(JSON.stringify(fields)).not.toMatch(/Pr3filled|S3cret/);
  });

  it('ignores untrusted key events and fields outside the watched container', () => {
    const strict = new TypingSource();
    strict.watch(form);
    at(0, pass, kd('x'));
    at(5, pass, ku('x'));
    expect(strict.snapshot()).toEqual([
      { role: 'password', keys: [], pasted: false, autofilled: false, imeFallback: false, inputEvents: 0, startMs: -1 },
    ]);
    strict.stop();
    const outside = document.getElementById('outside')!;
    at(0, outside, kd('x'));
    expect(src.snapshot().map((f) => f.role)).toEqual(['password']); // the password typed above only
  });

  it('caps keys per field and sorts password first; reset forgets', () => {
    for (let i = 0; i < 300; i++) press(user, 'a', i * 10, i * 10 + 5);
    press(pass, 'b', 5000, 5050);
    const fields = src.snapshot();
    expect(fields.map((f) => f.role)).toEqual(['password', 'username']);
    expect(fields[1].keys).toHaveLength(256);
    src.reset();
    expect(src.snapshot()).toEqual([]);
  });

  it('keeps the password role when a show-password toggle turns the field into text', () => {
    press(pass, 'a', 0, 10);
    pass.type = 'text';
    press(pass, 'b', 20, 30);
    expect(src.snapshot()[0]).toMatchObject({ role: 'password' });
    expect(src.snapshot()[0].keys).toHaveLength(2);
  });
});
