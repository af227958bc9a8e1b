// The demo login page: what a customer's page looks like with the SDK on it. Static strings, no
// inline script (it runs under a strict CSP like a real login page should). English or Japanese
// (demo-text.ts), chosen like the "was this you?" pages: ?lang= then Accept-Language.
import type { RiskReason } from '@kizuki/contract';
import { reasonDetail } from '@kizuki/contract/reason-details-ja';
import type { PageLanguage } from '../common/page-language';
import { DEMO_TEXT, type DemoText } from './demo-text';

export const DEMO_PASSWORD = 'kizuki-demo-2026';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The demo page's language: kept in every link (?lang=) and every form (a hidden field). */
const q = (lang: PageLanguage) => `?lang=${lang}`;
const langField = (lang: PageLanguage) => `<input type="hidden" name="lang" value="${lang}">`;

const layout = (lang: PageLanguage, title: string, body: string, head = '') => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">${head}
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/demo/demo.css"></head>
<body><main class="card">
<p class="demo-note" role="note">${DEMO_TEXT[lang].note}</p>
${body}</main></body></html>`;

/** The 日本語 / English switch of a form page: the same page in the other language. */
function languageSwitch(lang: PageLanguage, path: string): string {
  const item = (l: PageLanguage, name: string) =>
    l === lang
      ? `<b lang="${l}" aria-current="true">${name}</b>`
      : `<a lang="${l}" hreflang="${l}" href="${path}${q(l)}">${name}</a>`;
  return `<nav class="lang" aria-label="Language / 言語">${item('ja', '日本語')} / ${item('en', 'English')}</nav>`;
}

export function loginPage(publishableKey: string, lang: PageLanguage = 'en'): string {
  const t = DEMO_TEXT[lang];
  return layout(
    lang,
    `${t.signInTitle} — ${t.shop}`,
    `${languageSwitch(lang, '/demo')}
<h1>${escapeHtml(t.shop)}</h1>
<p class="hint">${t.signInHint.replace('{password}', DEMO_PASSWORD)}</p>
<form id="login" method="post" action="/demo/login" autocomplete="on">${langField(lang)}
  <label>${escapeHtml(t.email)} <input name="username" type="email" autocomplete="username" required></label>
  <label>${escapeHtml(t.password)}
    <input name="password" type="password" autocomplete="current-password" required></label>
  <label>${escapeHtml(t.network)} <select name="network">${(Object.keys(DEMO_NETWORKS) as DemoNetwork[])
    .map((k) => `<option value="${k}">${escapeHtml(t.networks[k])}</option>`)
    .join('')}</select></label>
  <p class="small">${t.networkNote}</p>
  <button type="submit">${escapeHtml(t.signIn)}</button>
</form>
<p class="small">${t.newHere.replace(
      '{link}',
      `<a href="/demo/register${q(lang)}">${escapeHtml(t.createAccountLink)}</a>`,
    )}</p>
<p class="small">${t.sdkNote}</p>
<script src="/sdk/kizuki.js"></script>
<script src="/demo/demo.js"></script>`,
    `<meta name="kizuki-key" content="${escapeHtml(publishableKey)}">`,
  );
}

/** The demo's network selector: addresses the bundled geo-IP/ASN data classify as described (words in demo-text.ts). */
export const DEMO_NETWORKS = {
  here: { ip: null },
  home: { ip: '153.156.10.20' },
  abroad: { ip: '87.128.0.1' },
  datacenter: { ip: '13.112.0.1' },
  tor: { ip: '185.220.101.1' },
} as const satisfies Record<string, { ip: string | null }>;
export type DemoNetwork = keyof typeof DEMO_NETWORKS;

/** The sign-up form: the SDK watches it for the registration event (data-kizuki-event). */
export function registerPage(publishableKey: string, lang: PageLanguage = 'en'): string {
  const t = DEMO_TEXT[lang];
  return layout(
    lang,
    `${t.registerTitle} — ${t.shop}`,
    `${languageSwitch(lang, '/demo/register')}
<h1>${escapeHtml(t.registerTitle)}</h1>
<p class="hint">${escapeHtml(t.registerHint)}</p>
<form id="register" method="post" action="/demo/register" data-kizuki-event="registration" autocomplete="on">
  ${langField(lang)}
  <label>${escapeHtml(t.email)} <input name="email" type="email" autocomplete="email" required></label>
  <label>${escapeHtml(t.password)}
    <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
  <button type="submit">${escapeHtml(t.createAccount)}</button>
</form>
<p class="small">${t.registerNote}
<a href="/demo${q(lang)}">${escapeHtml(t.signInInstead)}</a></p>
<script src="/sdk/kizuki.js"></script>
<script src="/demo/demo.js"></script>`,
    `<meta name="kizuki-key" content="${escapeHtml(publishableKey)}">`,
  );
}

export interface DemoOutcome {
  /** the page's language */
  lang?: PageLanguage;
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
function scale(text: DemoText, score: number | null | undefined, t: { challenge: number; deny: number }): string {
  const mark =
    score === null || score === undefined
      ? ''
      : `<rect class="mark" x="${Math.max(0, score - 0.6)}" y="0" width="1.2" height="14"/>`;
  return `<svg class="scale" viewBox="0 0 100 14" preserveAspectRatio="none" role="img"
 aria-label="${escapeHtml(text.scaleLabel(score ?? null, t.challenge, t.deny))}">
<rect class="zone allow" x="0" y="3" width="${t.challenge}" height="8"/>
<rect class="zone challenge" x="${t.challenge}" y="3" width="${t.deny - t.challenge}" height="8"/>
<rect class="zone deny" x="${t.deny}" y="3" width="${100 - t.deny}" height="8"/>${mark}</svg>
<p class="small scale-legend">${escapeHtml(text.scaleLegend(t.challenge, t.deny))}</p>`;
}

export function resultPage(o: DemoOutcome): string {
  const lang = o.lang ?? 'en';
  const text = DEMO_TEXT[lang];
  const body = o.risk.body as {
    decision?: string;
    score?: number | null;
    reasons?: RiskReason[];
    degraded?: boolean;
    id?: string;
  };
  const decision = (['allow', 'challenge', 'deny'].includes(body.decision ?? '') ? body.decision : 'error') as
    'allow' | 'challenge' | 'deny' | 'error';
  const t = o.thresholds ?? null;
  const noted = (body.reasons ?? []).length > 0;
  // the decision in words, against the thresholds: an allow with reasons is not "nothing unusual"
  const verdict: Record<typeof decision, string> =
    o.event === 'registration'
      ? text.signup
      : {
          allow: t ? text.loginAllow(t.challenge, noted) : text.loginAllowPlain,
          challenge: t ? text.loginChallenge(t.challenge) : text.loginChallengePlain,
          deny: t ? text.loginDeny(t.deny) : text.loginDenyPlain,
          error: text.riskFailed,
        };
  const message = o.passwordOk ? verdict[decision] : text.wrongPassword;
  const sent = escapeHtml(JSON.stringify(o.request, null, 2));
  const answered = escapeHtml(JSON.stringify(o.risk.body, null, 2));
  // each reason worded in the page's language from its key and parameters (the API's detail is English)
  const reasons = (body.reasons ?? [])
    .map((r) => {
      const worded = reasonDetail(r, lang);
      const detail = worded ?? r.detail;
      const tag = worded === null && lang !== 'en' ? ' lang="en"' : '';
      return `<li${tag}>${escapeHtml(detail)} <code class="code">${escapeHtml(r.code)}</code></li>`;
    })
    .join('');
  const torNote = o.torListed === false ? `<p class="small warn">${text.torNotListed}</p>` : '';
  const challenge =
    decision === 'challenge' && o.passwordOk && o.challengeCode && body.id
      ? `<form id="challenge" method="post" action="/demo/challenge" class="challenge">${langField(lang)}
<p>${text.secondFactor(`<code id="otp">${escapeHtml(o.challengeCode)}</code>`)}</p>
<input type="hidden" name="assessmentId" value="${escapeHtml(body.id)}">
<label>${escapeHtml(text.oneTimeCode)}
  <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
<button type="submit">${escapeHtml(text.verify)}</button>
<p class="small">${text.challengeNote}</p></form>`
      : '';
  const summary = text.summary(
    `<code>${escapeHtml(o.user)}</code>`,
    `<b id="score">${body.score ?? '—'}</b>`,
    body.degraded ? text.degraded : '',
    o.network ? escapeHtml(text.networks[o.network]) : null,
  );
  return layout(
    lang,
    `${text.decisions[decision]} — ${text.demoTitle}`,
    `<h1 class="decision ${decision}">${escapeHtml(text.decisions[decision])}</h1>
<p id="verdict">${escapeHtml(message)}</p>
<p>${summary}</p>
${t ? scale(text, body.score, t) : ''}
<h2>${escapeHtml(text.why)}</h2>
<ul class="reasons">${reasons || `<li>${escapeHtml(text.noReasons)}</li>`}</ul>
${torNote}${challenge}
<details><summary>${text.sentRisk}</summary><pre>${sent}</pre></details>
<details><summary>${escapeHtml(text.answered(o.risk.status))}</summary><pre>${answered}</pre></details>
<p><a href="/demo${q(lang)}">${escapeHtml(text.signIn)}</a> · <a href="/demo/register${q(lang)}">${escapeHtml(
      text.anotherAccount,
    )}</a></p>`,
  );
}

export function challengePage(o: {
  lang?: PageLanguage;
  passed: boolean;
  label: string;
  feedback: { status: number; body: unknown };
}) {
  const lang = o.lang ?? 'en';
  const t = DEMO_TEXT[lang];
  return layout(
    lang,
    `${o.passed ? t.challengePassedTitle : t.challengeFailedTitle} — ${t.demoTitle}`,
    `<h1 class="decision ${o.passed ? 'allow' : 'deny'}">${escapeHtml(
      o.passed ? t.challengePassedHeading : t.challengeFailedHeading,
    )}</h1>
<p id="verdict">${o.passed ? t.challengePassed : t.challengeFailed}</p>
<details><summary>${t.sentFeedback(o.feedback.status)}</summary>
<pre>${escapeHtml(JSON.stringify({ label: o.label, answer: o.feedback.body }, null, 2))}</pre></details>
<p><a href="/demo${q(lang)}">${escapeHtml(t.signInAgain)}</a></p>`,
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
form.challenge{background:#f7f9fc;border:1px solid #d8dee8;border-radius:10px;padding:12px 16px;margin:14px 0}
#otp{font-size:1.1rem;letter-spacing:.15em}.lang{text-align:right;font-size:.85rem;margin:-4px 0 8px}`;
