import type { AccountState } from '@kizuki/database';
import type { NetworkInfo, SignalBundle } from '@kizuki/scoring';

const MAX_COUNTRIES = 20;
const MAX_LANGUAGES = 10;

export interface Learned {
  typingProfile?: unknown;
  pointerProfile?: unknown;
  countries: string[];
  languages: string[];
  lastLogin: AccountState['lastLogin'];
}

/**
 * What a trusted login (DESIGN.md §1) teaches the account: where and in which language it logs in.
 * Called only for trusted outcomes, so an attacker's login teaches nothing.
 */
export function learnFromTrustedLogin(account: AccountState | null, _bundle: SignalBundle | null, network: NetworkInfo, now: number): Learned {
  const countries = account?.countries ?? [];
  const languages = account?.languages ?? [];
  return {
    countries: network.country && !countries.includes(network.country) ? [...countries, network.country].slice(-MAX_COUNTRIES) : countries,
    languages: network.language && !languages.includes(network.language) ? [...languages, network.language].slice(-MAX_LANGUAGES) : languages,
    lastLogin: { at: now, country: network.country, lat: network.lat, lon: network.lon },
  };
}

/** Primary language of an Accept-Language header: 'ja-JP,ja;q=0.9,en;q=0.8' → 'ja'. */
export function primaryLanguage(header: string | null): string | null {
  const first = header?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  const m = first ? /^([a-z]{2,3})(-|$)/.exec(first) : null;
  return m ? m[1] : null;
}
