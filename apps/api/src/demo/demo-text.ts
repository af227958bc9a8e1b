import type { PageLanguage } from '../common/page-language';

// Every string of the demo pages, in English and in Japanese as a Japanese site would write it for
// a fraud-team engineer trying Kizuki (です/ます; the console's terms: 許可・追加認証・拒否, 端末, しきい値).
// Values marked html are inserted as they are (they hold <code>/<b>); the rest are escaped.

export interface DemoText {
  /** html */
  note: string;
  shop: string;
  signInTitle: string;
  /** html; {password} is the demo password */
  signInHint: string;
  email: string;
  password: string;
  network: string;
  /** html */
  networkNote: string;
  signIn: string;
  /** html; {link} is the link to the sign-up form */
  newHere: string;
  createAccountLink: string;
  /** html */
  sdkNote: string;
  registerTitle: string;
  registerHint: string;
  createAccount: string;
  /** html */
  registerNote: string;
  signInInstead: string;
  networks: Record<'here' | 'home' | 'abroad' | 'datacenter' | 'tor', string>;
  decisions: Record<'allow' | 'challenge' | 'deny' | 'error', string>;
  scaleLabel: (score: number | null, challenge: number, deny: number) => string;
  scaleLegend: (challenge: number, deny: number) => string;
  signup: Record<'allow' | 'challenge' | 'deny' | 'error', string>;
  loginAllow: (challenge: number, noted: boolean) => string;
  loginAllowPlain: string;
  loginChallenge: (challenge: number) => string;
  loginChallengePlain: string;
  loginDeny: (deny: number) => string;
  loginDenyPlain: string;
  riskFailed: string;
  wrongPassword: string;
  /** html */
  degraded: string;
  /** html; {user}, {score}, {degraded}, {network} */
  summary: (user: string, score: string, degraded: string, network: string | null) => string;
  why: string;
  noReasons: string;
  /** html */
  torNotListed: string;
  /** html; {code} is the one-time code element */
  secondFactor: (code: string) => string;
  oneTimeCode: string;
  verify: string;
  /** html */
  challengeNote: string;
  /** html */
  sentRisk: string;
  answered: (status: number) => string;
  anotherAccount: string;
  challengePassedTitle: string;
  challengeFailedTitle: string;
  challengePassedHeading: string;
  challengeFailedHeading: string;
  /** html */
  challengePassed: string;
  /** html */
  challengeFailed: string;
  /** html */
  sentFeedback: (status: number) => string;
  signInAgain: string;
  demoTitle: string;
}

const en: DemoText = {
  note:
    '<b>Demo tenant.</b> Every visitor shares it: use no real e-mail address or password. "Was this you?" links ' +
    "are never shown here; a real backend e-mails them to the account's owner.",
  shop: 'Kizuki demo shop',
  signInTitle: 'Sign in',
  signInHint:
    "Any e-mail works. The password is <code>{password}</code>; type it (don't paste) and Kizuki learns your rhythm.",
  email: 'E-mail',
  password: 'Password',
  network: 'Network you sign in from',
  networkNote:
    'The demo backend sends the address you pick instead of yours, so network signals (country, datacenter, Tor, ' +
    'a new network) can be tried from this machine. Only this demo page can do that; a real backend sends the ' +
    "client's address.",
  signIn: 'Sign in',
  newHere: 'New here? {link} (a registration, scored the same way).',
  createAccountLink: 'Create an account',
  sdkNote:
    'This page loads <code>/sdk/kizuki.js</code>. The demo backend (<code>POST /demo/login</code>) checks the ' +
    'password and calls <code>POST /v1/risk</code> with the request token exactly as your backend would.',
  registerTitle: 'Create an account',
  registerHint: 'Any e-mail works (only its domain is sent to Kizuki). Choose a password of 8 characters or more.',
  createAccount: 'Create account',
  registerNote:
    'The demo backend (<code>POST /demo/register</code>) calls <code>POST /v1/risk</code> with ' +
    '<code>event: "registration"</code>, the request token and the e-mail\'s domain, as your backend would.',
  signInInstead: 'Sign in instead',
  networks: {
    here: 'This machine (your real address)',
    home: 'Home in Japan (NTT OCN, residential)',
    abroad: 'Abroad (Deutsche Telekom, Germany)',
    datacenter: 'A datacenter (AWS Tokyo)',
    tor: 'A Tor exit node',
  },
  decisions: { allow: 'ALLOW', challenge: 'CHALLENGE', deny: 'DENY', error: 'ERROR' },
  scaleLabel: (score, c, d) => `score ${score ?? 'none'} of 100; challenge from ${c}, deny from ${d}`,
  scaleLegend: (c, d) => `0–${c - 1}: allow · ${c}–${d - 1}: challenge (second factor) · ${d}–100: deny`,
  signup: {
    allow: 'Account created: Kizuki saw nothing unusual.',
    challenge: 'Kizuki asks to verify this sign-up (e.g. a code by e-mail or SMS) before opening the account.',
    deny: 'Kizuki refused this sign-up.',
    error: 'The risk call failed.',
  },
  loginAllow: (c, noted) =>
    `Signed in: the score stayed under the challenge threshold (${c}). ` +
    (noted ? 'Kizuki noted what is listed below, but not enough to ask for more.' : 'Nothing was unusual.'),
  loginAllowPlain: 'Signed in.',
  loginChallenge: (c) => `The score reached the challenge threshold (${c}): the site asks for a second factor first.`,
  loginChallengePlain: 'Kizuki asks for a second factor before letting this login in.',
  loginDeny: (d) => `The score reached the deny threshold (${d}): the login is refused.`,
  loginDenyPlain: 'Kizuki blocked this login.',
  riskFailed: 'The risk call failed.',
  wrongPassword: 'Wrong password (reported to Kizuki as a failed login).',
  degraded: ' · <b>degraded</b> (fallback decision)',
  summary: (user, score, degraded, network) =>
    `User ${user} · score ${score} of 100${degraded}${network ? ` · network: ${network}` : ''}`,
  why: 'Why',
  noReasons: 'No reasons: nothing in this login differed from what Kizuki knows.',
  torNotListed:
    'This address is not on the imported Tor exit list, so TOR_EXIT cannot fire: load the exit list with ' +
    '<code>npm run kizuki -- tor load FILE</code> (docs/operations.md).',
  secondFactor: (code) =>
    `<b>Second factor.</b> A real site would e-mail or text this one-time code; the demo shows it here: ${code}`,
  oneTimeCode: 'One-time code',
  verify: 'Verify',
  challengeNote:
    'Passing it tells Kizuki <code>challenge_passed</code>: the device, network and typing rhythm are learnt for ' +
    'this account, so the next sign-in from here scores lower.',
  sentRisk: 'What the demo backend sent to <code>POST /v1/risk</code>',
  answered: (status) => `What Kizuki answered (HTTP ${status})`,
  anotherAccount: 'Create another account',
  challengePassedTitle: 'Challenge passed',
  challengeFailedTitle: 'Challenge failed',
  challengePassedHeading: 'CHALLENGE PASSED',
  challengeFailedHeading: 'WRONG CODE',
  challengePassed:
    'Signed in. Kizuki was told <code>challenge_passed</code> and learnt this device, network and rhythm for the ' +
    'account: sign in again from this browser and network to see the score drop (NEW_DEVICE gone).',
  challengeFailed: 'The code did not match: Kizuki was told <code>challenge_failed</code>, and nothing was learnt.',
  sentFeedback: (status) => `What the demo backend sent to <code>POST /v1/feedback</code> (HTTP ${status})`,
  signInAgain: 'Sign in again',
  demoTitle: 'Kizuki demo',
};

const ja: DemoText = {
  note:
    '<b>デモ用のテナントです。</b>訪問者全員で共有しているため、実在のメールアドレスやパスワードは入力しないでください。' +
    '「このログインはご本人ですか？」のリンクはこのページには表示しません。実際のサービスでは、バックエンドが' +
    'アカウントの持ち主にメールで送ります。',
  shop: 'Kizuki デモショップ',
  signInTitle: 'ログイン',
  signInHint:
    'メールアドレスは何でもかまいません。パスワードは <code>{password}</code> です。貼り付けずにキーボードで' +
    '入力すると、Kizuki が入力のリズムを学習します。',
  email: 'メールアドレス',
  password: 'パスワード',
  network: 'ログイン元のネットワーク',
  networkNote:
    'デモのバックエンドは、実際のアドレスの代わりにここで選んだアドレスを Kizuki に送ります。そのため、ネットワークの' +
    'シグナル（国、データセンター、Tor、初めてのネットワーク）をこのマシンから試せます。これはこのデモページだけの' +
    '機能で、実際のバックエンドはクライアントのアドレスを送ります。',
  signIn: 'ログイン',
  newHere: '初めての方は{link}から（登録も同じようにスコアリングされます）。',
  createAccountLink: 'アカウント作成',
  sdkNote:
    'このページは <code>/sdk/kizuki.js</code> を読み込みます。デモのバックエンド（<code>POST /demo/login</code>）は' +
    'パスワードを確認したうえで、実際のサービスのバックエンドと同じように、リクエストトークンを付けて ' +
    '<code>POST /v1/risk</code> を呼び出します。',
  registerTitle: 'アカウント作成',
  registerHint:
    'メールアドレスは何でもかまいません（Kizuki に送るのはドメインだけです）。パスワードは8文字以上で設定してください。',
  createAccount: 'アカウントを作成',
  registerNote:
    'デモのバックエンド（<code>POST /demo/register</code>）は、実際のサービスのバックエンドと同じように、' +
    '<code>event: "registration"</code>、リクエストトークン、メールアドレスのドメインを付けて ' +
    '<code>POST /v1/risk</code> を呼び出します。',
  signInInstead: 'ログイン画面に戻る',
  networks: {
    here: 'このマシン（実際のアドレス）',
    home: '国内の自宅回線（NTT OCN、一般家庭向け）',
    abroad: '海外（ドイツ、Deutsche Telekom）',
    datacenter: 'データセンター（AWS 東京リージョン）',
    tor: 'Tor の出口ノード',
  },
  decisions: { allow: '許可', challenge: '追加認証', deny: '拒否', error: 'エラー' },
  scaleLabel: (score, c, d) => `スコア ${score ?? 'なし'}（100点満点）。追加認証は${c}から、拒否は${d}から`,
  scaleLegend: (c, d) => `0〜${c - 1}：許可 ・ ${c}〜${d - 1}：追加認証 ・ ${d}〜100：拒否`,
  signup: {
    allow: 'アカウントを作成しました。Kizuki は不審な点を検知しませんでした。',
    challenge: 'Kizuki は、アカウントを開設する前にこの登録の確認（メールや SMS で送るコードなど）を求めています。',
    deny: 'Kizuki はこの登録を拒否しました。',
    error: 'リスク判定 API の呼び出しに失敗しました。',
  },
  loginAllow: (c, noted) =>
    `ログインしました。スコアは追加認証のしきい値（${c}）未満でした。` +
    (noted ? '下に挙げた点を検知しましたが、追加の確認を求めるほどではありません。' : '不審な点はありませんでした。'),
  loginAllowPlain: 'ログインしました。',
  loginChallenge: (c) =>
    `スコアが追加認証のしきい値（${c}）に達しました。ログインを通す前に、サイトが追加の認証を求めます。`,
  loginChallengePlain: 'Kizuki は、このログインを通す前に追加の認証を求めています。',
  loginDeny: (d) => `スコアが拒否のしきい値（${d}）に達したため、ログインを拒否しました。`,
  loginDenyPlain: 'Kizuki はこのログインを拒否しました。',
  riskFailed: 'リスク判定 API の呼び出しに失敗しました。',
  wrongPassword: 'パスワードが違います（ログイン失敗として Kizuki に報告しました）。',
  degraded: ' ・ <b>縮退動作</b>（フォールバック判定）',
  summary: (user, score, degraded, network) =>
    `ユーザー ${user} ・ スコア ${score}／100${degraded}${network ? ` ・ ネットワーク：${network}` : ''}`,
  why: '判定理由',
  noReasons: '理由はありません。このログインには、Kizuki が把握している情報と異なる点はありませんでした。',
  torNotListed:
    'このアドレスは取り込み済みの Tor 出口ノード一覧にないため、TOR_EXIT は検知されません。' +
    '<code>npm run kizuki -- tor load FILE</code> で出口ノード一覧を読み込んでください（docs/operations.md）。',
  secondFactor: (code) =>
    `<b>追加認証</b> 実際のサイトでは、このワンタイムコードをメールや SMS で送ります。デモではここに表示します：${code}`,
  oneTimeCode: 'ワンタイムコード',
  verify: '確認する',
  challengeNote:
    '認証に成功すると Kizuki に <code>challenge_passed</code> が伝わり、この端末・ネットワーク・タイピングのリズムが' +
    'このアカウントのものとして学習されます。次にここからログインすると、スコアが下がります。',
  sentRisk: 'デモのバックエンドが <code>POST /v1/risk</code> に送った内容',
  answered: (status) => `Kizuki の応答（HTTP ${status}）`,
  anotherAccount: '別のアカウントを作成',
  challengePassedTitle: '追加認証に成功しました',
  challengeFailedTitle: '追加認証に失敗しました',
  challengePassedHeading: '追加認証に成功',
  challengeFailedHeading: 'コードが違います',
  challengePassed:
    'ログインしました。Kizuki に <code>challenge_passed</code> を伝え、この端末・ネットワーク・リズムをアカウントの' +
    'ものとして学習させました。このブラウザと同じネットワークからもう一度ログインすると、スコアが下がります' +
    '（NEW_DEVICE が出なくなります）。',
  challengeFailed:
    'コードが一致しませんでした。Kizuki には <code>challenge_failed</code> を伝えたため、何も学習されていません。',
  sentFeedback: (status) => `デモのバックエンドが <code>POST /v1/feedback</code> に送った内容（HTTP ${status}）`,
  signInAgain: 'もう一度ログイン',
  demoTitle: 'Kizuki デモ',
};

export const DEMO_TEXT: Record<PageLanguage, DemoText> = { en, ja };
