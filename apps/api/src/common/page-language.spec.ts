import { pageLanguage } from './page-language';

describe('pageLanguage', () => {
  it('takes ?lang= first, then the best Accept-Language of en and ja, English otherwise', () => {
    expect(pageLanguage({ lang: 'ja' }, 'en-US')).toEqual({ lang: 'ja', explicit: true });
    expect(pageLanguage({ lang: 'en' }, 'ja')).toEqual({ lang: 'en', explicit: true });
    expect(pageLanguage({ lang: 'fr' }, 'ja-JP,ja;q=0.9,en;q=0.8')).toEqual({ lang: 'ja', explicit: false });
    expect(pageLanguage({}, 'fr-FR,en;q=0.5,ja;q=0.7')).toEqual({ lang: 'ja', explicit: false });
    expect(pageLanguage({}, 'en-GB,ja;q=0.9')).toEqual({ lang: 'en', explicit: false });
    expect(pageLanguage({}, 'ja;q=0,en;q=0.1')).toEqual({ lang: 'en', explicit: false });
    expect(pageLanguage(undefined, 'de-DE')).toEqual({ lang: 'en', explicit: false });
    expect(pageLanguage(undefined, undefined)).toEqual({ lang: 'en', explicit: false });
  });
});
