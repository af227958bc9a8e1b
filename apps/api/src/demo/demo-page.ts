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
  <label>Network you sign in from <select name="network">${Object.entries(DEMO_NETWORKS)
    .map(([k, n]) => `<option value="${k}">${escapeHtml(n.label)}</option>`)
    .join('')}</select></label>
  <p class="small">The demo backend sends the address you pick instead of yours, so network signals (country,
  datacenter, Tor, a new network) can be tried from this machine. Only this demo page can do that; a real
  backend sends the client's address.</p>
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

/** The demo's network selector: addresses that the bundled geo-IP/ASN data classify as described. */
export const DEMO_NETWORKS = {
  here: { label: 'This machine (your real address)', ip: null },
  home: { label: 'Home in Japan (NTT OCN, residential)', ip: '153.156.10.20' },
  abroad: { label: 'Abroad (Deutsche Telekom, Germany)', ip: '87.128.0.1' },
  datacenter: { label: 'A datacenter (AWS Tokyo)', ip: '13.112.0.1' },
  tor: { label: 'A Tor exit node', ip: '185.220.101.1' },
} as const satisfies Record<string, { label: string; ip: string | null }>;
export type DemoNetwork = keyof typeof DEMO_NETWORKS;

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
  /** the demo tenant's login thresholds (null if unreadable) */
  thresholds?: { challenge: number; deny: number } | null;
  network?: DemoNetwork;
  /** for the Tor choice: whether the address is on the imported Tor exit list */
  torListed?: boolean | null;
  /** the one-time code of a challenged login, shown because the demo has no inbox */
  challengeCode?: string | null;
}

/** The 0–100 scale with the tenant's thresholds and where this score falls (SVG: the CSP forbids style attributes). */
function scale(score: number | null | undefined, t: { challenge: number; deny: number }): string {
  const mark =
    score === null || score === undefined
      ? ''
      : `<rect class="mark" x="${Math.max(0, score - 0.6)}" y="0" width="1.2" height="14"/>`;
  return `<svg class="scale" viewBox="0 0 100 14" preserveAspectRatio="none" role="img"
 aria-label="score ${score ?? 'none'} of 100; challenge from ${t.challenge}, deny from ${t.deny}">
<rect class="zone allow" x="0" y="3" width="${t.challenge}" height="8"/>
<rect class="zone challenge" x="${t.challenge}" y="3" width="${t.deny - t.challenge}" height="8"/>
<rect class="zone deny" x="${t.deny}" y="3" width="${100 - t.deny}" height="8"/>${mark}</svg>
<p class="small scale-legend">0–${t.challenge - 1}: allow · ${t.challenge}–${t.deny - 1}: challenge (second factor) · \
${t.deny}–100: deny</p>`;
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
  const t = o.thresholds ?? null;
  const noted = (body.reasons ?? []).length > 0;
  const signup = o.event === 'registration';
  // the decision in words, against the thresholds: an allow with reasons is not "nothing unusual"
  const verdict: Record<string, string> = signup
    ? {
        allow: 'Account created: Kizuki saw nothing unusual.',
        challenge: 'Kizuki asks to verify this sign-up (e.g. a code by e-mail or SMS) before opening the account.',
        deny: 'Kizuki refused this sign-up.',
        error: 'The risk call failed.',
      }
    : {
        allow: t
          ? `Signed in: the score stayed under the challenge threshold (${t.challenge}). ` +
            (noted ? 'Kizuki noted what is listed below, but not enough to ask for more.' : 'Nothing was unusual.')
          : 'Signed in.',
        challenge: t
          ? `The score reached the challenge threshold (${t.challenge}): the site asks for a second factor first.`
          : 'Kizuki asks for a second factor before letting this login in.',
        deny: t
          ? `The score reached the deny threshold (${t.deny}): the login is refused.`
          : 'Kizuki blocked this login.',
        error: 'The risk call failed.',
      };
  const message = o.passwordOk ? (verdict[decision] ?? '') : 'Wrong password (reported to Kizuki as a failed login).';
  const degraded = body.degraded ? ' · <b>degraded</b> (fallback decision)' : '';
  const sent = escapeHtml(JSON.stringify(o.request, null, 2));
  const answered = escapeHtml(JSON.stringify(o.risk.body, null, 2));
  const reasons = (body.reasons ?? [])
    .map((r) => `<li>${escapeHtml(r.detail)} <code class="code">${escapeHtml(r.code)}</code></li>`)
    .join('');
  const network = o.network ? DEMO_NETWORKS[o.network] : null;
  const torNote =
    o.torListed === false
      ? '<p class="small warn">This address is not on the imported Tor exit list, so TOR_EXIT cannot fire: ' +
        'load the exit list with <code>npm run kizuki -- tor load FILE</code> (docs/operations.md).</p>'
      : '';
  const challenge =
    decision === 'challenge' && o.passwordOk && o.challengeCode && body.id
      ? `<form id="challenge" method="post" action="/demo/challenge" class="challenge">
<p><b>Second factor.</b> A real site would e-mail or text this one-time code; the demo shows it here:
<code id="otp">${escapeHtml(o.challengeCode)}</code></p>
<input type="hidden" name="assessmentId" value="${escapeHtml(body.id)}">
<label>One-time code <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
<button type="submit">Verify</button>
<p class="small">Passing it tells Kizuki <code>challenge_passed</code>: the device, network and typing rhythm are learnt
for this account, so the next sign-in from here scores lower.</p></form>`
      : '';
  return layout(
    `${decision} — Kizuki demo`,
    `<h1 class="decision ${escapeHtml(decision)}">${escapeHtml(decision.toUpperCase())}</h1>
<p id="verdict">${escapeHtml(message)}</p>
<p>User <code>${escapeHtml(o.user)}</code> · score <b id="score">${body.score ?? '—'}</b> of 100${degraded}${
      network ? ` · network: ${escapeHtml(network.label)}` : ''
    }</p>
${t ? scale(body.score, t) : ''}
<h2>Why</h2>
<ul class="reasons">${reasons || '<li>No reasons: nothing in this login differed from what Kizuki knows.</li>'}</ul>
${torNote}${challenge}
<details><summary>What the demo backend sent to <code>POST /v1/risk</code></summary><pre>${sent}</pre></details>
<details><summary>What Kizuki answered (HTTP ${o.risk.status})</summary><pre>${answered}</pre></details>
<p><a href="/demo">Sign in</a> · <a href="/demo/register">Create another account</a></p>`,
  );
}

export function challengePage(o: { passed: boolean; label: string; feedback: { status: number; body: unknown } }) {
  return layout(
    `${o.passed ? 'Challenge passed' : 'Challenge failed'} — Kizuki demo`,
    `<h1 class="decision ${o.passed ? 'allow' : 'deny'}">${o.passed ? 'CHALLENGE PASSED' : 'WRONG CODE'}</h1>
<p id="verdict">${
      o.passed
        ? 'Signed in. Kizuki was told <code>challenge_passed</code> and learnt this device, network and rhythm ' +
          'for the ' +
          'account: sign in again from this browser and network to see the score drop (NEW_DEVICE gone).'
        : 'The code did not match: Kizuki was told <code>challenge_failed</code>, and nothing was learnt.'
    }</p>
<details><summary>What the demo backend sent to <code>POST /v1/feedback</code> (HTTP ${o.feedback.status})</summary>
<pre>${escapeHtml(JSON.stringify({ label: o.label, answer: o.feedback.body }, null, 2))}</pre></details>
<p><a href="/demo">Sign in again</a></p>`,
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
pre{background:#0f1723;color:#d7e0ee;padding:12px;border-radius:8px;overflow:auto;font-size:.75rem}
select{display:block;width:100%;margin-top:6px;padding:9px;border:1px solid #c8ced8;border-radius:8px;font-size:.95rem}
h2{font-size:1rem;margin:18px 0 6px}.code{font-size:.75rem;color:#4a5565}.warn{color:#8a5300}
.scale{display:block;width:100%;height:22px;margin:10px 0 4px}.zone.allow{fill:#bfe3c9}.zone.challenge{fill:#f6dca3}
.zone.deny{fill:#f2b8bd}.mark{fill:#1c2430}
.challenge{background:#f7f9fc;border:1px solid #d8dee8;border-radius:10px;padding:12px 16px;margin:14px 0}
#otp{font-size:1.1rem;letter-spacing:.15em}`;
