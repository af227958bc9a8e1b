import type { ReasonDetailKey, ReasonDetailParam } from '@kizuki/contract';

// Reason codes. Each is documented in docs/scoring.md; add with care.
export const REASON_CODES = [
  'NEW_USER',
  'NEW_DEVICE',
  'KNOWN_DEVICE',
  'DEVICE_SHARED',
  'TYPING_MISMATCH',
  'POINTER_MISMATCH',
  'NO_BEHAVIOR',
  'BOT_AUTOMATION',
  'BOT_BEHAVIOR',
  'NEW_COUNTRY',
  'NEW_NETWORK',
  'FOREIGN_IP_AND_LANGUAGE',
  'IMPOSSIBLE_TRAVEL',
  'TOR_EXIT',
  'DATACENTER_IP',
  'CREDENTIAL_STUFFING',
  'BRUTE_FORCE',
  'DENYLISTED',
  'ALLOWLISTED',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_REPLAYED',
  'TAKEOVER_CASHOUT',
  'DEVICE_MANY_ACCOUNTS',
  'SIGNUP_VELOCITY',
  'DISPOSABLE_EMAIL',
  'FORM_FILLED',
  'BREACHED_PASSWORD',
  'DOCUMENT_REUSED',
  'DOCUMENT_LEAKED',
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** A reason as answered: the English detail, and the key and parameters it was worded from. */
export interface Reason {
  code: ReasonCode;
  detail: string;
  detailKey: ReasonDetailKey;
  params: Record<string, ReasonDetailParam>;
}
