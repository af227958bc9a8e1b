// The language of a server-rendered page for people (links, demo): `?lang=ja|en` first, then the
// browser's Accept-Language by q-value, English otherwise.
export const PAGE_LANGUAGES = ['en', 'ja'] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

export interface PageLanguageChoice {
  lang: PageLanguage;
  /** chosen by ?lang= (a form posting back keeps it in its action) */
  explicit: boolean;
}

export function pageLanguage(query: unknown, acceptLanguage: string | string[] | undefined): PageLanguageChoice {
  const asked = query && typeof query === 'object' ? (query as Record<string, unknown>).lang : undefined;
  if (asked === 'en' || asked === 'ja') return { lang: asked, explicit: true };
  const header = (Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '')).slice(0, 512);
  let best: { lang: PageLanguage; q: number } | null = null;
  for (const item of header.split(',').slice(0, 32)) {
    const [tag, ...attrs] = item.trim().toLowerCase().split(';');
    const primary = tag.split('-')[0];
    if (primary !== 'en' && primary !== 'ja') continue;
    const qAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('q='));
    const q = qAttr ? Number(qAttr.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang: primary, q };
  }
  return { lang: best?.lang ?? 'en', explicit: false };
}
