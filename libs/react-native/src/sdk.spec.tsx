// The React Native SDK through React Native's renderer: events with known times in, the bundle out.
import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { Pressable, Text, TextInput, View } from 'react-native';
import type { SignalBundle } from '@kizuki/contract';
import { KizukiProvider, load, useKizuki, type KizukiOptions } from './index';
import { INSTALL_ID_KEY } from './device';

// a cold run transforms React Native's own sources with Babel first (20 s on this machine)
jest.setTimeout(60_000);

const SECRET = 'hunter2-秘密';

class ManualClock {
  t = 1000;
  now = () => this.t;
}

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: jest.fn(async (k: string) => data.get(k) ?? null),
    setItem: jest.fn(async (k: string, v: string) => void data.set(k, v)),
  };
}

function okFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  const f = jest.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return { status: 202, ok: true, json: async () => ({ requestToken: 'rt_test', expiresAt: 'x' }) } as Response;
  });
  return { f: f as unknown as typeof fetch, calls };
}

function LoginScreen({ onToken }: { onToken: (t: string | null) => void }) {
  const k = useKizuki();
  return (
    <View testID="screen" {...k.containerProps()}>
      <TextInput testID="user" {...k.fieldProps('email', 'username')} />
      <TextInput testID="pass" secureTextEntry {...k.fieldProps('password')} />
      <Pressable testID="submit" {...k.submitProps({ onPress: async () => onToken(await k.collect()) })}>
        <Text>Sign in</Text>
      </Pressable>
    </View>
  );
}

function setup(extra: Partial<KizukiOptions> = {}) {
  const clock = new ManualClock();
  const storage = memoryStorage();
  const net = okFetch();
  const client = load({
    publishableKey: 'pk_live_abc',
    endpoint: 'https://kizuki.example.com/',
    appId: 'jp.example.shop',
    storage,
    fetch: net.f,
    clock: clock.now,
    platform: { OS: 'ios', Version: '17.5' },
    screen: () => ({ width: 390, height: 844, scale: 3, fontScale: 1 }),
    ...extra,
  });
  const tokens: (string | null)[] = [];
  return { clock, storage, net, client, tokens };
}

async function renderScreen(s: ReturnType<typeof setup>) {
  await render(
    <KizukiProvider client={s.client} screen="login">
      <LoginScreen onToken={(t) => s.tokens.push(t)} />
    </KizukiProvider>,
  );
}

/** Types `text` into a field as iOS does: a key press, then the text change, `gap` ms apart per key. */
async function typeKeys(s: ReturnType<typeof setup>, testID: string, text: string, gap: number) {
  const el = screen.getByTestId(testID);
  let value = '';
  for (const ch of text) {
    s.clock.t += gap;
    await fireEvent(el, 'keyPress', { nativeEvent: { key: ch } });
    value += ch;
    await fireEvent.changeText(el, value);
  }
}

async function submit(s: ReturnType<typeof setup>): Promise<SignalBundle> {
  await fireEvent(screen.getByTestId('submit'), 'layout', {
    nativeEvent: { layout: { x: 0, y: 0, width: 200, height: 40 } },
  });
  await fireEvent(screen.getByTestId('submit'), 'pressIn', { nativeEvent: { locationX: 50, locationY: 10 } });
  const before = s.tokens.length;
  await fireEvent.press(screen.getByTestId('submit'));
  await waitFor(() => expect(s.tokens.length).toBe(before + 1));
  const body = s.net.calls[s.net.calls.length - 1]?.init.body;
  return JSON.parse(String(body)) as SignalBundle;
}

describe('@kizuki/react-native', () => {
  it('turns key presses with known times into the bundle timings, and sends no character', async () => {
    const s = setup();
    await renderScreen(s);
    await fireEvent(screen.getByTestId('pass'), 'focus');
    s.clock.t = 1500;
    await typeKeys(s, 'pass', SECRET, 120);
    const bundle = await submit(s);
    const pass = bundle.typing.fields.find((f) => f.role === 'password')!;
    expect(pass.keys.map((k) => k.d)).toEqual([...SECRET].map((_, i) => i * 120));
    expect(pass.keys.every((k) => k.u === k.d && k.c === 'char')).toBe(true);
    expect(pass.startMs).toBe(620); // first key at 1620, screen shown at 1000
    expect(pass).toMatchObject({ pasted: false, autofilled: false, imeFallback: false, inputEvents: SECRET.length });
    const raw = String(s.net.calls[0].init.body);
    for (const part of ['hunter2', '秘密', 'hunter']) expect(raw).not.toContain(part);
    expect(s.tokens).toEqual(['rt_test']);
  });

  it('posts to /v1/collect with the publishable key and the app id, and describes the app', async () => {
    const s = setup();
    await renderScreen(s);
    const bundle = await submit(s);
    const { url, init } = s.net.calls[0];
    expect(url).toBe('https://kizuki.example.com/v1/collect');
    expect(init.headers).toMatchObject({ 'X-Kizuki-Key': 'pk_live_abc', 'X-Kizuki-App': 'jp.example.shop' });
    expect(bundle.app).toEqual({
      id: 'jp.example.shop',
      platform: 'ios',
      version: null,
      osVersion: '17.5',
      emulator: null,
      rooted: null,
    });
    expect(bundle.page.path).toBe('login');
    expect(bundle.device.components).toMatchObject({ platform: 'ios', screen: '390x844', scale: 3 });
    expect(bundle.pointer.clicks).toEqual([
      { t: 0, rx: 0.25, ry: 0.25, target: 'submit', pointerType: 'touch', isTrusted: true },
    ]);
  });

  it('flags a paste into the focused field and keeps no timing from it', async () => {
    const s = setup();
    await renderScreen(s);
    await fireEvent(screen.getByTestId('pass'), 'focus');
    s.clock.t += 300;
    await fireEvent.changeText(screen.getByTestId('pass'), SECRET);
    const pass = (await submit(s)).typing.fields.find((f) => f.role === 'password')!;
    expect(pass).toMatchObject({ pasted: true, autofilled: false, keys: [] });
  });

  it('flags an OS / password-manager fill: fields filled together, or a field not focused', async () => {
    const s = setup();
    await renderScreen(s);
    await fireEvent(screen.getByTestId('user'), 'focus');
    await fireEvent.changeText(screen.getByTestId('user'), 'hanako@example.jp');
    s.clock.t += 40;
    await fireEvent.changeText(screen.getByTestId('pass'), SECRET);
    const fields = (await submit(s)).typing.fields;
    for (const role of ['username', 'password']) {
      expect(fields.find((f) => f.role === role)).toMatchObject({ autofilled: true, pasted: false });
    }
  });

  it('takes a text change without a key press as the key (Android soft keyboards), flagged imeFallback', async () => {
    const s = setup({ platform: { OS: 'android', Version: 34 } });
    await renderScreen(s);
    const el = screen.getByTestId('pass');
    await fireEvent(el, 'focus');
    for (const [t, v] of [
      [2000, 'a'],
      [2150, 'ab'],
      [2400, 'a'],
      [2500, 'ac'],
    ] as const) {
      s.clock.t = t;
      await fireEvent.changeText(el, v);
    }
    const bundle = await submit(s);
    const pass = bundle.typing.fields.find((f) => f.role === 'password')!;
    expect(pass.imeFallback).toBe(true);
    expect(pass.keys).toEqual([
      { d: 0, u: 0, c: 'char' },
      { d: 150, u: 150, c: 'char' },
      { d: 400, u: 400, c: 'backspace' },
      { d: 500, u: 500, c: 'char' },
    ]);
    expect(bundle.app?.platform).toBe('android');
    expect(bundle.app?.osVersion).toBe('34');
  });

  it('samples and caps a long touch trajectory, with force when the platform gives it', async () => {
    const s = setup();
    await renderScreen(s);
    const view = screen.getByTestId('screen');
    await fireEvent(view, 'touchStart', { nativeEvent: { pageX: 10, pageY: 10, force: 0.5 } });
    for (let i = 1; i <= 2500; i++) {
      s.clock.t += 8;
      await fireEvent(view, 'touchMove', { nativeEvent: { pageX: 10 + (i % 300), pageY: 10 + i / 20, force: 0.25 } });
    }
    const bundle = await submit(s);
    expect(bundle.pointer.type).toBe('touch');
    expect(bundle.pointer.touches).toBe(1);
    expect(bundle.pointer.eventCount).toBe(2501);
    expect(bundle.pointer.moves.length).toBeLessThanOrEqual(6000);
    expect(bundle.pointer.moves.length).toBeGreaterThan(3000);
    expect(bundle.pointer.moves.length % 3).toBe(0);
    expect(bundle.touch!.force.length).toBe(bundle.pointer.moves.length / 3 + 1);
    expect(bundle.touch!.force[0]).toBe(500);
    expect(new Set(bundle.touch!.force.slice(1))).toEqual(new Set([250]));
    expect(JSON.stringify(bundle).length).toBeLessThan(64 * 1024);
  });

  it('keeps the install id in the injected storage adapter and reuses it', async () => {
    const s = setup();
    await renderScreen(s);
    const first = await submit(s);
    expect(s.storage.getItem).toHaveBeenCalledWith(INSTALL_ID_KEY);
    expect(s.storage.setItem).toHaveBeenCalledWith(INSTALL_ID_KEY, first.device.storageId);
    expect(first.device.storageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.device.visitorId).toBe(`in_${first.device.storageId}`);

    const again = load({ ...s.client.options, storage: s.storage });
    const second = await again.session().bundle();
    expect(second.device.storageId).toBe(first.device.storageId);
    expect(s.storage.setItem).toHaveBeenCalledTimes(1);
  });

  it('uses react-native-device-info when given: hashed vendor id, model, version, emulator', async () => {
    const deviceInfo = {
      getUniqueId: async () => 'F7A0C2D1-IDFV',
      getModel: () => 'iPhone15,2',
      getBrand: () => 'Apple',
      getVersion: () => '2.4.1',
      getBuildNumber: () => '318',
      isEmulator: async () => true,
    };
    const s = setup({ deviceInfo, integrity: { isJailBroken: () => false } });
    const b = await s.client.session().bundle();
    expect(b.device.visitorId).toMatch(/^dv_[0-9a-f]{16}$/);
    expect(JSON.stringify(b)).not.toContain('F7A0C2D1');
    expect(b.device.components).toMatchObject({ model: 'iPhone15,2', brand: 'Apple', emulator: true, rooted: false });
    expect(b.app).toMatchObject({ version: '2.4.1 (318)', emulator: true, rooted: false });
    expect(b.automation).toEqual({ webdriver: false, bot: false, signals: [], untrustedEvents: 0 });
  });

  it('answers a null token when Kizuki is down or unreachable, and the app handler still runs', async () => {
    const down = jest.fn(async () => ({ status: 503, ok: false, json: async () => ({}) }) as Response);
    const s = setup({ fetch: down as unknown as typeof fetch });
    await renderScreen(s);
    await fireEvent.press(screen.getByTestId('submit'));
    await waitFor(() => expect(s.tokens).toEqual([null]));
    expect(down).toHaveBeenCalledTimes(2); // one retry on 5xx

    const offline = jest.fn(async () => {
      throw new TypeError('Network request failed');
    });
    const o = setup({ fetch: offline as unknown as typeof fetch, retries: 0 });
    expect(await o.client.session().collect()).toBeNull();
  });

  it('still answers when storage fails: an id for this run, storageId null', async () => {
    const broken = { getItem: async () => Promise.reject(new Error('disk')), setItem: async () => undefined };
    const s = setup({ storage: broken });
    const b = await s.client.session().bundle();
    expect(b.device.storageId).toBeNull();
    expect(b.device.visitorId).toMatch(/^in_[A-Za-z0-9_-]{22}$/);
    expect(b.device.confidence).toBe(0.5);
  });

  it('records each attempt afresh after collect()', async () => {
    const s = setup();
    await renderScreen(s);
    await typeKeys(s, 'pass', 'abc', 100);
    await submit(s);
    await typeKeys(s, 'pass', 'abcd', 100); // the field kept its text: the next key is the fourth
    const second = await submit(s);
    const pass = second.typing.fields.find((f) => f.role === 'password')!;
    expect(pass.keys.length).toBe(4);
    expect(s.net.calls).toHaveLength(2);
  });
});
