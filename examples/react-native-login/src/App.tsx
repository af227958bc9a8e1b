// The app: Kizuki around the login screen; the backend call is the app's own (its server calls
// /v1/risk with the token and acts on allow / challenge / deny, see examples/express-login).
import { KizukiProvider, type KizukiClient } from '@kizuki/react-native';
import { LoginScreen, type SignIn } from './LoginScreen';

export async function signInWithBackend(s: SignIn, f: typeof fetch = fetch): Promise<string> {
  const res = await f('https://shop.example/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(s),
  });
  const answer = (await res.json()) as { result: 'signed-in' | 'second-factor' | 'refused' };
  return answer.result === 'signed-in'
    ? 'Welcome back'
    : answer.result === 'second-factor'
      ? 'Check your e-mail'
      : 'Sorry';
}

export function App({
  kizuki,
  signIn = signInWithBackend,
}: {
  kizuki: KizukiClient;
  signIn?: (s: SignIn) => Promise<string>;
}) {
  return (
    <KizukiProvider client={kizuki} screen="login">
      <LoginScreen signIn={signIn} />
    </KizukiProvider>
  );
}
