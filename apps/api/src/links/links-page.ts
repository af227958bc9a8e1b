import type { PageLanguage } from '../common/page-language';

// The pages a user sees after following a "was this you?" link from the customer's e-mail, in the
// browser's language. Japanese as a Japanese bank or app would write it (です/ます).
const TEXT = {
  en: {
    approve: {
      title: 'Was this you?',
      ask: 'Confirm that this sign-in was you. The device will be remembered.',
      button: 'Yes, it was me',
      done: 'Thank you — this device is now trusted.',
    },
    report: {
      title: 'Not you?',
      ask: 'Report this sign-in. Sign-ins from that device will be refused; change your password.',
      button: 'Report this device',
      done: 'Thank you — the device was reported and will be refused.',
    },
    link: 'Link',
    expired: 'This link has expired or was already used.',
    invalid: 'This link is not valid.',
  },
  ja: {
    approve: {
      title: 'このログインはご本人ですか？',
      ask: 'ご本人によるログインであれば、下のボタンで確認してください。次回からこの端末を記憶します。',
      button: 'はい、本人です',
      done: 'ご確認ありがとうございます。この端末を信頼済みとして登録しました。',
    },
    report: {
      title: 'お心当たりのないログインですか？',
      ask: 'このログインを報告してください。今後この端末からのログインはお断りします。あわせてパスワードを変更してください。',
      button: 'この端末を報告する',
      done: 'ご報告ありがとうございます。今後この端末からのログインはお断りします。',
    },
    link: 'リンク',
    expired: 'このリンクは有効期限が切れているか、すでに使用されています。',
    invalid: 'このリンクは無効です。',
  },
} as const;

export type LinkAction = 'approve' | 'report';

function page(lang: PageLanguage, title: string, body: string): string {
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1d2330}
button{font:inherit;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#2b59c3;color:#fff;cursor:pointer}
</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

/** The confirmation page (GET): a button that posts back, keeping a ?lang= choice. */
export function linkConfirmPage(lang: PageLanguage, action: LinkAction, keepLang: boolean): string {
  const t = TEXT[lang][action];
  const target = keepLang ? ` action="?lang=${lang}"` : '';
  return page(
    lang,
    t.title,
    `<p>${t.ask}</p><form method="post"${target}><button type="submit">${t.button}</button></form>`,
  );
}

/** The page after the link acted (POST). */
export function linkDonePage(lang: PageLanguage, action: LinkAction): string {
  return page(lang, TEXT[lang][action].title, `<p>${TEXT[lang][action].done}</p>`);
}

/** An expired (410) or unknown (404) link. */
export function linkErrorPage(lang: PageLanguage, status: number): string {
  const t = TEXT[lang];
  return page(lang, t.link, `<p>${status === 410 ? t.expired : t.invalid}</p>`);
}
