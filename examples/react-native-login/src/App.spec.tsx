// The example's integration under React Native's renderer: the backend receives the request token,
// the bundle carries timings and no character of the password, and the app still signs in offline.
import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { App } from './App';
import type { SignIn } from './LoginScreen';
import { loadKizuki } from './kizuki';

// a cold run transforms React Native's own sources with Babel first (20 s on this machine)
jest.setTimeout(60_000);

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

async function typeInto(testID: string, text: string) {
  const el = screen.getByTestId(testID);
  await fireEvent(el, 'focus');
  let v = '';
  for (const ch of text) {
    await fireEvent(el, 'keyPress', { nativeEvent: { key: ch } });
    v += ch;
    await fireEvent.changeText(el, v);
  }
}

describe('examples/react-native-login', () => {
  it('sends the request token to the backend and never the password to Kizuki', async () => {
    const bodies: string[] = [];
    const kizukiFetch = (async (_url: string, init: RequestInit) => {
      bodies.push(String(init.body));
      return { status: 202, ok: true, json: async () => ({ requestToken: 'rt_example', expiresAt: '' }) };
    }) as unknown as typeof fetch;
    const signIns: SignIn[] = [];
    await render(
      <App
        kizuki={loadKizuki({ fetch: kizukiFetch, storage: memory(), platform: { OS: 'android', Version: 34 } })}
        signIn={async (s) => (signIns.push(s), 'Welcome back')}
      />,
    );
    await typeInto('email', 'hanako@example.jp');
    await typeInto('password', 'sakura-2026');
    await fireEvent.press(screen.getByTestId('sign-in'));
    await waitFor(() => expect(screen.getByTestId('message')).toHaveTextContent('Welcome back'));
    expect(signIns).toEqual([{ email: 'hanako@example.jp', password: 'sakura-2026', requestToken: 'rt_example' }]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toMatch(/sakura|hanako/);
    const bundle = JSON.parse(bodies[0]);
    expect(bundle.app).toMatchObject({ id: 'jp.example.shop', platform: 'android' });
    expect(bundle.typing.fields.map((f: { role: string; keys: unknown[] }) => [f.role, f.keys.length])).toEqual([
      ['username', 17],
      ['password', 11],
    ]);
  });

  it('signs in without a token when Kizuki cannot be reached', async () => {
    const offline = (async () => {
      throw new TypeError('Network request failed');
    }) as unknown as typeof fetch;
    const signIns: SignIn[] = [];
    await render(
      <App
        kizuki={loadKizuki({ fetch: offline, retries: 0, storage: memory() })}
        signIn={async (s) => (signIns.push(s), 'Welcome back')}
      />,
    );
    await typeInto('password', 'sakura-2026');
    await fireEvent.press(screen.getByTestId('sign-in'));
    await waitFor(() => expect(signIns).toHaveLength(1));
    expect(signIns[0].requestToken).toBeNull();
  });
});
