import { cdpRuntime } from './cdp-runtime';
import { FirstInput } from './first-input';
import { PointerWhileTyping } from './pointer-while-typing';
import { webglRenderer } from './webgl-renderer';
import { windowGeometry } from './window-geometry';

const LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const WIN = LINUX.replace('X11; Linux x86_64', 'Windows NT 10.0; Win64; x64');
const MAC = LINUX.replace('X11; Linux x86_64', 'Macintosh; Intel Mac OS X 10_15_7');
const ANDROID = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/140.0.0.0 Mobile Safari/537.36';
const nativeToString = {
  call: (f: unknown) => ((f as { fake?: boolean }).fake ? String(f) : 'function () { [native code] }'),
};

describe('cdp_runtime: a DevTools-protocol client formats logged errors', () => {
  // an Error constructor as V8 has it; the console plays a protocol client (reads .stack) or not
  const host = (client: boolean, debugFake = false) => {
    class E {
      static prepareStackTrace: unknown = undefined;
      static captureStackTrace = () => undefined;
      get stack(): unknown {
        return typeof E.prepareStackTrace === 'function' ? (E.prepareStackTrace as () => string)() : 'Error';
      }
    }
    const debug = Object.assign((e: { stack: unknown }) => (client ? e.stack : undefined), { fake: debugFake });
    return { Error: E, console: { debug }, Function: { prototype: { toString: nativeToString } } };
  };

  it('fires when a client serialises the message, and restores the page hook', () => {
    const w = host(true);
    const own = () => 'page hook';
    w.Error.prepareStackTrace = own;
    expect(cdpRuntime(w)).toBe('cdp_runtime');
    expect(w.Error.prepareStackTrace).toBe(own);
  });

  it('stays silent without a client, on engines without V8 stack hooks, and under a wrapped console', () => {
    expect(cdpRuntime(host(false))).toBeNull();
    const firefox = host(true) as { Error: { captureStackTrace?: unknown } };
    delete firefox.Error.captureStackTrace;
    Object.defineProperty(firefox.Error, 'captureStackTrace', { value: undefined });
    expect(cdpRuntime(firefox as Parameters<typeof cdpRuntime>[0])).toBeNull();
    // a logging library that wraps console.debug may read the stack itself: no judgement
    expect(cdpRuntime(host(true, true))).toBeNull();
    expect(cdpRuntime({})).toBeNull();
  });

  it('never throws when the console throws', () => {
    const w = host(true);
    w.console.debug = Object.assign(
      () => {
        throw new Error('blocked');
      },
      { fake: false },
    );
    expect(cdpRuntime(w)).toBeNull();
  });
});

describe('window_geometry: a frameless window that is not full screen', () => {
  const screen = { width: 1920, height: 1080, availWidth: 1920, availHeight: 1040 };
  const win = (o: object, ua = LINUX) => ({
    navigator: { userAgent: ua },
    outerWidth: 1280,
    outerHeight: 887,
    innerWidth: 1280,
    innerHeight: 800,
    screen,
    ...o,
  });
  it('accepts a desktop window with a frame, a full-screen one and phones', () => {
    expect(windowGeometry(win({}))).toBeNull();
    const fullScreen = { outerWidth: 1920, outerHeight: 1080, innerWidth: 1920, innerHeight: 1080 };
    expect(windowGeometry(win(fullScreen))).toBeNull();
    expect(windowGeometry(win({ outerHeight: 800 }, ANDROID))).toBeNull();
    expect(windowGeometry({})).toBeNull();
  });
  it('flags an automation viewport and a usable area larger than the screen', () => {
    expect(windowGeometry(win({ outerHeight: 800 }))).toBe('window_geometry');
    expect(windowGeometry(win({ screen: { ...screen, availHeight: 1200 } }))).toBe('window_geometry');
  });
});

describe('webgl_software / webgl_platform: the GPU against the claims', () => {
  const w = (ua: string) => ({ navigator: { userAgent: ua } });
  it('names a software renderer and a renderer of another OS', () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)';
    expect(webglRenderer(w(LINUX), swiftshader)).toEqual(['webgl_software']);
    expect(webglRenderer(w(LINUX), 'llvmpipe (LLVM 15.0.7, 256 bits)')).toEqual(['webgl_software']);
    const d3d = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)';
    expect(webglRenderer(w(WIN), d3d)).toEqual([]);
    expect(webglRenderer(w(LINUX), d3d)).toEqual(['webgl_platform']);
    const metal = 'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)';
    expect(webglRenderer(w(MAC), metal)).toEqual([]);
    expect(webglRenderer(w(WIN), metal)).toEqual(['webgl_platform']);
    expect(webglRenderer(w(LINUX), 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)')).toEqual([]);
    expect(webglRenderer(w(ANDROID), swiftshader)).toEqual([]);
  });
  it('reads the unmasked renderer, and nothing when WebGL is unavailable', () => {
    const gl = {
      getExtension: () => ({ UNMASKED_RENDERER_WEBGL: 37446 }),
      getParameter: (p: number) => (p === 37446 ? 'llvmpipe (LLVM 15)' : null),
    };
    const doc = (ctx: unknown) => ({ createElement: () => ({ getContext: () => ctx }) });
    expect(webglRenderer({ ...w(LINUX), document: doc(gl) })).toEqual(['webgl_software']);
    expect(webglRenderer({ ...w(LINUX), document: doc(null) })).toEqual([]);
    const throwing = {
      createElement: () => {
        throw new Error('no canvas');
      },
    };
    expect(webglRenderer({ ...w(LINUX), document: throwing })).toEqual([]);
  });
});

describe('behaviour: time to first input, pointer while typing', () => {
  const ev = (type: string, timeStamp: number, o: object = {}) => ({ type, timeStamp, ...o }) as unknown as Event;
  let now = 0;
  beforeEach(() => {
    now = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('first_input_fast: a key or button pressed under 400 ms after navigation start', () => {
    const fast = new FirstInput();
    now = 150;
    fast.see(ev('pointermove', 100));
    expect(fast.signal()).toBeNull();
    fast.see(ev('pointerdown', 150));
    now = 3000;
    fast.see(ev('keydown', 3000));
    expect(fast.at).toBe(150);
    expect(fast.signal()).toBe('first_input_fast');
    const person = new FirstInput();
    now = 1400;
    person.see(ev('keydown', 1400));
    expect(person.signal()).toBeNull();
    expect(new FirstInput().signal()).toBeNull();
  });

  it('pointer_while_typing: the mouse moving during at least half of the key presses', () => {
    const type = (t: PointerWhileTyping, keys: number, moveDuring: (i: number) => boolean) => {
      for (let i = 0; i < keys; i++) {
        t.see(ev('keydown', i * 200));
        if (moveDuring(i)) {
          t.see(ev('pointermove', i * 200 + 20, { pointerType: 'mouse' }));
          t.see(ev('pointermove', i * 200 + 40, { pointerType: 'mouse' }));
        }
        t.see(ev('keyup', i * 200 + 90));
        t.see(ev('pointermove', i * 200 + 150, { pointerType: 'mouse' })); // between keys: not counted
      }
    };
    const person = new PointerWhileTyping();
    type(person, 12, (i) => i === 3);
    expect([person.keys, person.movedKeys, person.signal()]).toEqual([12, 1, null]);
    const humaniser = new PointerWhileTyping();
    type(humaniser, 12, (i) => i % 3 !== 0);
    expect([humaniser.movedKeys, humaniser.signal()]).toEqual([8, 'pointer_while_typing']);
    const short = new PointerWhileTyping();
    type(short, 6, () => true);
    expect(short.signal()).toBeNull();
    // a finger scrolling a touch screen while a key is held is not a mouse
    const touch = new PointerWhileTyping();
    for (let i = 0; i < 10; i++) {
      touch.see(ev('keydown', i));
      touch.see(ev('pointermove', i, { pointerType: 'touch' }));
      touch.see(ev('keyup', i));
    }
    expect(touch.signal()).toBeNull();
  });
});
