import { englishLeft } from '../../../../fixtures/english-left';
import { challengePage, loginPage, registerPage, resultPage } from './demo-page';
import { DEMO_TEXT } from './demo-text';

/** The visible words of a page: tags, and the closed <details> bodies (JSON as sent), left out. */
const words = (html: string) =>
  html
    .replace(/<pre>[\s\S]*?<\/pre>/g, '\n')
    .replace(/<(script|title)[\s\S]*?<\/\1>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"');

const datacenter = {
  code: 'DATACENTER_IP',
  detail: 'The IP belongs to a hosting/cloud network (AS16509 AMAZON-02), not an access provider.',
  detailKey: 'network.hosting' as const,
  params: { as: { key: 'network.asOrg' as const, params: { asn: 16509, org: 'AMAZON-02' } } },
};
const outcome = {
  user: 'hanako@example.jp',
  passwordOk: true,
  risk: {
    status: 200,
    body: { id: '3f2b0d4e-1111-4222-8333-444455556666', decision: 'challenge', score: 42, reasons: [datacenter] },
  },
  request: { event: 'login' },
  thresholds: { challenge: 30, deny: 80 },
  network: 'datacenter' as const,
  challengeCode: '123456',
};

describe('demo pages in English and Japanese', () => {
  it('has every Japanese string and leaves no English sentence in it', () => {
    expect(Object.keys(DEMO_TEXT.ja).sort()).toEqual(Object.keys(DEMO_TEXT.en).sort());
    const ja = Object.values(DEMO_TEXT.ja).flatMap((v: unknown) =>
      typeof v === 'string'
        ? [v]
        : typeof v === 'function'
          ? [(v as (...a: unknown[]) => string)(12, 30, 80)]
          : Object.values(v as Record<string, string>),
    );
    expect(ja.flatMap((s) => englishLeft(words(s)))).toEqual([]);
    // the check can fail: the English text is full of sentences
    expect(englishLeft(words(DEMO_TEXT.en.note)).length).toBeGreaterThan(0);
  });

  it('words the result and its reasons in Japanese, and keeps the language in every link and form', () => {
    const html = resultPage({ ...outcome, lang: 'ja' });
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('<h1 class="decision challenge">追加認証</h1>');
    expect(html).toContain('スコアが追加認証のしきい値（30）に達しました。');
    expect(html).toContain('0〜29：許可 ・ 30〜79：追加認証 ・ 80〜100：拒否');
    expect(html).toContain(
      'IPはアクセス回線ではなく、ホスティング・クラウド事業者のネットワーク（AS16509 AMAZON-02）のものです。',
    );
    expect(words(html)).not.toContain(datacenter.detail);
    expect(html).toContain('<input type="hidden" name="lang" value="ja">');
    expect(html).toContain('href="/demo?lang=ja"');
    expect(html).toContain('href="/demo/register?lang=ja"');
    expect(englishLeft(words(html))).toEqual([]);

    const en = resultPage({ ...outcome, lang: 'en' });
    expect(en).toContain('<h1 class="decision challenge">CHALLENGE</h1>');
    expect(en).toContain(`<li>${datacenter.detail.replace(/</g, '&lt;')} <code class="code">DATACENTER_IP</code></li>`);
    expect(englishLeft(words(en)).length).toBeGreaterThan(0);
  });

  it('shows the forms and the challenge answer in the chosen language, with a switch to the other', () => {
    for (const html of [loginPage('pk_x', 'ja'), registerPage('pk_x', 'ja')]) {
      expect(html).toContain('<html lang="ja">');
      expect(html).toContain('<input type="hidden" name="lang" value="ja">');
      expect(html).toMatch(
        /<b lang="ja" aria-current="true">日本語<\/b> \/ <a lang="en" hreflang="en" href="\/demo[^"]*\?lang=en">English<\/a>/,
      );
      expect(englishLeft(words(html))).toEqual([]);
    }
    expect(loginPage('pk_x', 'ja')).toContain('<a href="/demo/register?lang=ja">アカウント作成</a>');
    const passed = challengePage({
      lang: 'ja',
      passed: true,
      label: 'challenge_passed',
      feedback: { status: 200, body: {} },
    });
    expect(passed).toContain('追加認証に成功');
    expect(englishLeft(words(passed))).toEqual([]);
    expect(challengePage({ passed: false, label: 'challenge_failed', feedback: { status: 200, body: {} } })).toContain(
      'WRONG CODE',
    );
  });
});
