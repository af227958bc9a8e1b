import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf } from './api';
import { AppCtx, displayTimeZone, setUserTimeZone, useApp, type Me } from './app';
import { detectLang, type Key, type Lang } from './i18n';
import { Dashboard, LoginDetail, Logins } from './pages-main';
import { Account, Ips, Keys, Lists, Policy, Settings, Team } from './pages-admin';
import { Review } from './pages-review';
import { Webhooks } from './pages-webhooks';
import './style.css';

function currentPath(): string {
  return (location.pathname.replace(/^\/console/, '') || '/') + location.search;
}

function App() {
  const [lang, setLangState] = useState<Lang>(detectLang);
  const [me, setMeState] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);
  const [path, setPath] = useState(currentPath);
  const [timeZone, setTimeZoneState] = useState<string | null>(null);
  const setTimeZone = (tz: string | null) => {
    setUserTimeZone(tz);
    setTimeZoneState(tz);
  };

  const setLang = (l: Lang) => {
    localStorage.setItem('kizuki.lang', l);
    setLangState(l);
  };
  const setMe = (m: Me | null) => {
    if (m) setCsrf(m.csrfToken);
    setMeState(m);
    if (m && !m.mustChangePassword)
      api<{ timeZone: string | null }>('GET', '/me/preferences')
        .then((p) => setTimeZone(p.timeZone))
        .catch(() => undefined);
  };
  const go = (p: string) => {
    history.pushState(null, '', `/console${p}`);
    setPath(currentPath());
    window.scrollTo(0, 0);
  };

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    const onPop = () => setPath(currentPath());
    const onOut = () => setMeState(null);
    window.addEventListener('popstate', onPop);
    window.addEventListener('kizuki:signed-out', onOut);
    api<Me>('GET', '/auth/session')
      .then(setMe)
      .catch(() => setMe(null))
      .finally(() => setChecked(true));
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('kizuki:signed-out', onOut);
    };
  }, []);

  return (
    <AppCtx.Provider value={{ lang, setLang, me, setMe, path, go, timeZone, setTimeZone }}>
      {!checked ? null : me ? <Shell /> : <SignIn />}
    </AppCtx.Provider>
  );
}

function LangSwitch() {
  const { lang, setLang, t } = useApp();
  return (
    <div class="seg lang" role="group" aria-label={t('language')}>
      <button class={lang === 'ja' ? 'on' : ''} id="lang-ja" onClick={() => setLang('ja')}>
        日本語
      </button>
      <button class={lang === 'en' ? 'on' : ''} id="lang-en" onClick={() => setLang('en')}>
        English
      </button>
    </div>
  );
}

function SignIn() {
  const { t, setMe, errorText } = useApp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      setMe(await api<Me>('POST', '/auth/login', { email, password, ...(needCode && code ? { totp: code } : {}) }));
    } catch (x) {
      const err = x as ApiError;
      if (err.code === 'TOTP_REQUIRED') setNeedCode(true);
      else if (err.code === 'TOO_MANY_ATTEMPTS') {
        const retryAfter = (err.details as { retryAfter?: number } | undefined)?.retryAfter;
        setError(t('tooMany', { s: retryAfter ?? 60 }));
      } else if (err.code === 'INVALID_CREDENTIALS') setError(t('badCredentials'));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="signin">
      <form class="card" onSubmit={submit} id="signin-form">
        <div class="brand big">
          気づき <span>Kizuki</span>
        </div>
        <h1>{t('signIn')}</h1>
        <label class="row">
          {t('email')}
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </label>
        <label class="row">
          {t('password')}
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </label>
        {needCode ? (
          <label class="row">
            {t('totpCode')}
            <input
              name="totp"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={code}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
            <small class="muted">{t('totpPrompt')}</small>
          </label>
        ) : null}
        {error ? (
          <div class="error" role="alert">
            {error}
          </div>
        ) : null}
        <button class="btn primary wide" type="submit" disabled={busy}>
          {t('signIn')}
        </button>
        <LangSwitch />
      </form>
    </div>
  );
}

const NAV: [string, Key, ('admin' | 'analyst' | 'viewer')[]][] = [
  ['/', 'dashboard', ['admin', 'analyst', 'viewer']],
  ['/review', 'review', ['admin', 'analyst', 'viewer']],
  ['/logins', 'logins', ['admin', 'analyst', 'viewer']],
  ['/ips', 'ips', ['admin', 'analyst', 'viewer']],
  ['/lists', 'lists', ['admin', 'analyst', 'viewer']],
  ['/policy', 'policy', ['admin', 'analyst', 'viewer']],
  ['/keys', 'keys', ['admin']],
  ['/webhooks', 'webhooks', ['admin']],
  ['/team', 'team', ['admin']],
  ['/settings', 'settings', ['admin', 'analyst', 'viewer']],
];

function Shell() {
  const { t, name, me, setMe, path, go, lang } = useApp();
  // App renders the shell only once signed in
  if (!me) return null;
  const route = path.split('?')[0];
  const signOut = async () => {
    await api('POST', '/auth/logout', {}).catch(() => undefined);
    setMe(null);
  };
  let page;
  let m: RegExpMatchArray | null;
  if (me.mustChangePassword) page = <Settings forced />;
  else if (route === '/' || route === '') page = <Dashboard />;
  else if (route === '/logins') page = <Logins />;
  else if (route === '/review') page = <Review />;
  else if ((m = route.match(/^\/logins\/([0-9a-f-]{36})$/))) page = <LoginDetail id={m[1]} />;
  else if ((m = route.match(/^\/accounts\/([0-9a-f-]{36})$/))) page = <Account id={m[1]} />;
  else if (route === '/ips') page = <Ips />;
  else if (route === '/lists') page = <Lists />;
  else if (route === '/policy') page = <Policy />;
  else if (route === '/keys') page = <Keys />;
  else if (route === '/webhooks') page = <Webhooks />;
  else if (route === '/team') page = <Team />;
  else if (route === '/settings') page = <Settings />;
  else page = <p class="muted">{t('notFound')}</p>;
  return (
    <div class="shell">
      <nav class="side">
        <div class="brand">
          気づき <span>Kizuki</span>
        </div>
        <div class="tenant">{me.tenant.name}</div>
        {NAV.filter(([, , roles]) => roles.includes(me.role)).map(([href, key]) => (
          <a
            key={href}
            href={`/console${href}`}
            class={(href === '/' ? route === '/' : route.startsWith(href)) ? 'on' : ''}
            onClick={(e) => {
              e.preventDefault();
              go(href);
            }}
          >
            {t(key)}
          </a>
        ))}
      </nav>
      <div class="main">
        <header class="top">
          <span class="who">
            {me.email} · <span class={`badge r-${me.role}`}>{name('role', me.role)}</span>
            {me.role === 'viewer' ? <span class="muted small"> · {t('readOnly')}</span> : null}
          </span>
          <span class="muted small tz" id="tz" title={t('timeZone')}>
            {displayTimeZone(lang)}
          </span>
          <LangSwitch />
          <button class="btn" id="sign-out" onClick={signOut}>
            {t('signOut')}
          </button>
        </header>
        <main>{page}</main>
      </div>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
