import type { AccountState, RecordLogin } from '@kizuki/database';
import type { SignalBundle } from '@kizuki/contract';
import { learnModalTypingProfile, learnPointerProfile, networkPrefix, type NetworkInfo } from '@kizuki/scoring';

const MAX_COUNTRIES = 20;
const MAX_LANGUAGES = 10;
/** usual networks kept per account: the most recently used ones */
export const MAX_NETWORKS = 20;

/** What a trusted login teaches the account: the record's `learned` part (LoginStateRepository writes it). */
export type Learned = NonNullable<RecordLogin['learned']>;

/**
 * What a trusted login (docs/architecture.md) teaches the account: its typing rhythm and pointer habits
 * (enrolment, then bounded steps against a frozen baseline: libs/scoring typing/pointer), where
 * in which language and from which networks (IPv4 /24, IPv6 /48: the most recently used
 * MAX_NETWORKS, a network seen again moves to the end) it logs in. Called only for trusted
 * outcomes — at score time (succeeded and allowed by the policy) or from a 'legit' /
 * 'challenge_passed' label — so an attacker's login teaches nothing, and one admitted by mistake
 * moves the profiles by one bounded step.
 */
export function learnFromTrustedLogin(
  account:
    | (Pick<AccountState, 'countries' | 'languages' | 'typingProfile' | 'pointerProfile'> & {
        networks?: string[] | null;
      })
    | null,
  bundle: SignalBundle | null,
  network: Pick<NetworkInfo, 'country' | 'language' | 'lat' | 'lon'> & { ip?: string | null },
  now: number,
): Learned {
  const countries = account?.countries ?? [];
  const languages = account?.languages ?? [];
  const learned: Learned = {
    countries:
      network.country && !countries.includes(network.country)
        ? [...countries, network.country].slice(-MAX_COUNTRIES)
        : countries,
    languages:
      network.language && !languages.includes(network.language)
        ? [...languages, network.language].slice(-MAX_LANGUAGES)
        : languages,
    lastLogin: { at: now, country: network.country, lat: network.lat, lon: network.lon },
  };
  const prefix = networkPrefix(network.ip);
  if (prefix)
    learned.networks = [...(account?.networks ?? []).filter((n) => n !== prefix), prefix].slice(-MAX_NETWORKS);
  if (bundle && typeof bundle === 'object') {
    const fields = Array.isArray(bundle.typing?.fields) ? bundle.typing.fields : null;
    // each typing modality (physical / touch keyboard) learns only from its own logins
    if (fields) learned.typingProfile = learnModalTypingProfile(account?.typingProfile ?? null, bundle);
    if (bundle.pointer) learned.pointerProfile = learnPointerProfile(account?.pointerProfile ?? null, bundle.pointer);
  }
  return learned;
}

/** Primary language of an Accept-Language header: 'ja-JP,ja;q=0.9,en;q=0.8' → 'ja'. */
export function primaryLanguage(header: string | null | undefined): string | null {
  const first = header?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  const m = first ? /^([a-z]{2,3})(-|$)/.exec(first) : null;
  return m ? m[1] : null;
}
