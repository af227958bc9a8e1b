// The app's own login screen, unchanged but for the spread prop getters: Kizuki adds its handlers
// and calls the app's. On submit, collect() gives the request token (null offline: sign in anyway).
import { useState } from 'react';
import { Pressable, StyleSheet, Text, TextInput, View } from 'react-native';
import { useKizuki } from '@kizuki/react-native';

export interface SignIn {
  email: string;
  password: string;
  /** for the backend's POST /v1/risk; null when Kizuki could not be reached */
  requestToken: string | null;
}

export function LoginScreen({ signIn }: { signIn: (s: SignIn) => Promise<string> }) {
  const k = useKizuki();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState('');
  const submit = async () => {
    const requestToken = await k.collect();
    setMessage(await signIn({ email, password, requestToken }));
  };
  return (
    <View style={styles.screen} {...k.containerProps()}>
      <TextInput
        testID="email"
        style={styles.input}
        autoComplete="email"
        textContentType="username"
        placeholder="E-mail"
        value={email}
        {...k.fieldProps('email', 'username', { onChangeText: setEmail })}
      />
      <TextInput
        testID="password"
        style={styles.input}
        secureTextEntry
        autoComplete="current-password"
        textContentType="password"
        placeholder="Password"
        value={password}
        {...k.fieldProps('password', 'password', { onChangeText: setPassword })}
      />
      <Pressable testID="sign-in" style={styles.button} {...k.submitProps({ onPress: () => void submit() })}>
        <Text style={styles.buttonText}>Sign in</Text>
      </Pressable>
      {message ? <Text testID="message">{message}</Text> : null}
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, justifyContent: 'center', padding: 24, gap: 12 },
  input: { borderWidth: 1, borderColor: '#ccc', borderRadius: 8, padding: 12 },
  button: { backgroundColor: '#1f6feb', borderRadius: 8, padding: 14, alignItems: 'center' },
  buttonText: { color: 'white', fontWeight: '600' },
});
