import type { TypingModality } from './signals';

// Answers of the admin console API (/admin/api) that the console draws as they come.

/** One key's typical band in a typing profile: centre and centre ± one spread, ms. */
export interface TypingBand {
  mid: number;
  lo: number;
  hi: number;
}

/** One field's typing on a login against the account's profile. */
export interface TypingRoleView {
  role: 'password' | 'username';
  /** the keyboard the login was typed on, and so the profile it is shown against (one per modality) */
  modality: TypingModality;
  /** enrolling until enough trusted samples, then active */
  state: 'enrolling' | 'active' | 'none';
  samples: number;
  pasted: boolean;
  autofilled: boolean;
  /** this login: hold time of every key and flight time to the next key, ms */
  login: { holds: number[]; flights: number[] } | null;
  /** the account's adapted profile */
  profile: { holds: TypingBand[]; flights: TypingBand[] } | null;
}
