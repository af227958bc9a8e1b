// The demo login page: what a customer's page looks like with the SDK on it. Static strings, no
// inline script (it runs under a strict CSP like a real login page should).

export const DEMO_PASSWORD = 'kizuki-demo-2026';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const layout = (title: string, body: string, head = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${head}
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/demo/demo.css"></head>
<body><main class="card">
<p class="demo-note" role="note"><b>Demo tenant.</b> Every visitor shares it: use no real e-mail address or password.
"Was this you?" links are never shown here; a real backend e-mails them to the account's owner.</p>
${body}</main></body></html>`;

export function loginPage(publishableKey: string): string {
  return layout(
    'Sign in — Kizuki demo shop',
    `<h1>Kizuki demo shop</h1>
<p class="hint">Any e-mail works. The password is <code>${DEMO_PASSWORD}</code>; type it (don't paste)
and Kizuki learns your rhythm.</p>
<form id="login" method="post" action="/demo/login" autocomplete="on">
  <label>E-mail <input name="username" type="email" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
<p class="small">New here? <a href="/demo/register">Create an account</a> (a registration, scored the same way).</p>
<p class="small">This page loads <code>/sdk/kizuki.js</code>. The demo backend (<code>POST /demo/login</code>)
checks the password and calls <code>POST /v1/risk</code> with the request token exactly as your backend would.</p>
<script src="/sdk/kizuki.js"></script>
<script src="/demo/demo.js"></script>`,
    `<meta name="kizuki-key" content="${escapeHtml(publishableKey)}">`,
  );
}

/** The sign-up form: the SDK watches it for the registration event (data-kizuki-event). */
export function registerPage(publishableKey: string): string {
  return layout(
    'Create an account — Kizuki demo shop',
    `<h1>Create an account</h1>
<p class="hint">Any e-mail works (only its domain is sent to Kizuki). Choose a password of 8 characters or more.</p>
<form id="register" method="post" action="/demo/register" data-kizuki-event="registration" autocomplete="on">
  <label>E-mail <input name="email" type="email" autocomplete="email" required></label>
  <label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
  <button type="submit">Create account</button>
</form>
<p class="small">The demo backend (<code>POST /demo/register</code>) calls <code>POST /v1/risk</code> with
<code>event: "registration"</code>, the request token and the e-mail's domain, as your backend would.
<a href="/demo">Sign in instead</a></p>
<script src="/sdk/kizuki.js"></script>
<script src="/demo/demo.js"></script>`,
    `<meta name="kizuki-key" content="${escapeHtml(publishableKey)}">`,
  );
}

export interface DemoOutcome {
  /** what was done: a login (default) or a registration */
  event?: 'login' | 'registration';
  user: string;
  passwordOk: boolean;
  risk: { status: number; body: unknown };
  request: unknown;
}

export function resultPage(o: DemoOutcome): string {
  const body = o.risk.body as {
    decision?: string;
    score?: number | null;
    reasons?: { code: string; detail: string }[];
    degraded?: boolean;
    id?: string;
  };
  const decision = body.decision ?? 'error';
  const signup = o.event === 'registration';
  const verdict: Record<string, string> = signup
    ? {
        allow: 'Account created: Kizuki saw nothing unusual.',
        challenge: 'Kizuki asks to verify this sign-up (e.g. a code by e-mail or SMS) before opening the account.',
        deny: 'Kizuki refused this sign-up.',
        error: 'The risk call failed.',
      }
    : {
        allow: 'Signed in: Kizuki saw nothing unusual.',
        challenge: 'Kizuki asks for a second factor before letting this login in.',
        deny: 'Kizuki blocked this login.',
        error: 'The risk call failed.',
      };
  const message = o.passwordOk ? (verdict[decision] ?? '') : 'Wrong password (reported to Kizuki as a failed login).';
  const degraded = body.degraded ? ' · <b>degraded</b> (fallback decision)' : '';
  const sent = escapeHtml(JSON.stringify(o.request, null, 2));
  const answered = escapeHtml(JSON.stringify(o.risk.body, null, 2));
  const reasons = (body.reasons ?? [])
    .map((r) => `<li><b>${escapeHtml(r.code)}</b> — ${escapeHtml(r.detail)}</li>`)
    .join('');
  return layout(
    `${decision} — Kizuki demo`,
    `<h1 class="decision ${escapeHtml(decision)}">${escapeHtml(decision.toUpperCase())}</h1>
<p>${escapeHtml(message)}</p>
<p>User <code>${escapeHtml(o.user)}</code> · score <b>${body.score ?? '—'}</b>${degraded}</p>
<ul class="reasons">${reasons || '<li>No reasons.</li>'}</ul>
<details><summary>What the demo backend sent to <code>POST /v1/risk</code></summary><pre>${sent}</pre></details>
<details><summary>What Kizuki answered (HTTP ${o.risk.status})</summary><pre>${answered}</pre></details>
<p><a href="/demo">Sign in</a> · <a href="/demo/register">Create another account</a></p>`,
  );
}

export const DEMO_JS = `// Kizuki demo: load the SDK and watch the form (what a customer adds to its page). The sign-up
// form says which event it is for with data-kizuki-event="registration".
(function () {
  var k = Kizuki.load({
    publishableKey: document.querySelector('meta[name="kizuki-key"]').content,
    endpoint: location.origin,
  });
  var form = document.getElementById('login') || document.getElementById('register');
  if (form) k.watch(form);
})();
`;

export const DEMO_CSS = `body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;
  background:#f4f5f7;margin:0;color:#1c2430}
.card{max-width:460px;margin:6vh auto;background:#fff;border-radius:12px;box-shadow:0 2px 16px #0001;padding:28px 32px}
h1{font-size:1.4rem;margin:0 0 12px}label{display:block;margin:14px 0;font-weight:600;font-size:.9rem}
input{display:block;width:100%;box-sizing:border-box;margin-top:6px;padding:10px;border:1px solid #c8ced8;
  border-radius:8px;font-size:1rem}
button{width:100%;padding:11px;border:0;border-radius:8px;background:#2458d3;color:#fff;font-size:1rem;font-weight:600;
  cursor:pointer}
.hint,.small{color:#4a5565;font-size:.9rem}.small{font-size:.8rem;margin-top:18px}
code{background:#eef1f5;padding:1px 5px;border-radius:4px}
.decision.allow{color:#17803d}.decision.challenge{color:#b36b00}.decision.deny{color:#c21f2f}.reasons li{margin:6px 0}
.demo-note{background:#fff6dd;border:1px solid #e8c767;border-radius:8px;padding:8px 12px;font-size:.8rem;color:#5c4500;
  margin:0 0 16px}
pre{background:#0f1723;color:#d7e0ee;padding:12px;border-radius:8px;overflow:auto;font-size:.75rem}`;
