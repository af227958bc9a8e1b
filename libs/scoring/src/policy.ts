// A tenant's policy: how evidence becomes a decision. Stored per tenant as JSON; every field has a
// default so a partial stored policy is always completed by resolvePolicy().
import { DECISIONS, type Decision, type RiskEvent } from '@kizuki/contract';

export type DetectorName =
  | 'token'
  | 'lists'
  | 'device'
  | 'typing'
  | 'pointer'
  | 'bot'
  | 'network'
  | 'velocity'
  | 'signup'
  | 'accountChange'
  | 'credentials'
  | 'identity';
export const DETECTOR_NAMES: readonly DetectorName[] = [
  'token',
  'lists',
  'device',
  'typing',
  'pointer',
  'bot',
  'network',
  'velocity',
  'signup',
  'accountChange',
  'credentials',
  'identity',
];

/** The events other than login: each has its own thresholds (login's are `thresholds`). */
export type LifecycleEvent = Exclude<RiskEvent, 'login'>;
export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = [
  'registration',
  'password_reset_request',
  'password_reset',
  'profile_update',
];

export interface Thresholds {
  challenge: number;
  deny: number;
}

export interface Policy {
  /** Logins: score >= challenge → challenge; score >= deny → deny (0-100). */
  thresholds: Thresholds;
  /** The same for each other event (registration, password reset, profile update). */
  events: Record<LifecycleEvent, Thresholds>;
  /** What the api answers when it cannot score in time. Never 'allow' by accident: default challenge. */
  fallbackDecision: Decision;
  /** Record what would have been decided, but answer 'allow' (unless allow/deny-listed). */
  shadowMode: boolean;
  detectors: Record<DetectorName, boolean>;
  bruteForce: {
    /** failed logins on the account within the window before BRUTE_FORCE */
    accountFailures: number;
    /** failed logins on the account from the same device within the window */
    accountDeviceFailures: number;
    windowMinutes: number;
  };
  /** Credential stuffing: distinct accounts tried from one source in the velocity window. */
  stuffing: {
    windowMinutes: number;
    /** distinct accounts from one IP before the IP's failure ratio is looked at */
    ipAccounts: number;
    /** share of the IP's logins in the window that failed (0..1) */
    ipFailureRatio: number;
    /** failed logins from the IP, at least */
    ipFailures: number;
    /** distinct accounts from one device: CREDENTIAL_STUFFING (challenge) */
    deviceAccounts: number;
    /** distinct accounts from one device: strong evidence (deny on its own) */
    deviceAccountsStrong: number;
    /** distinct accounts from one ASN before its failure ratio is looked at */
    asnAccounts: number;
    asnFailureRatio: number;
  };
  device: {
    /** distinct accounts on one device (lifetime) before DEVICE_SHARED */
    sharedAccounts: number;
    /** component similarity (0..1) above which a changed fingerprint is the same device */
    fuzzyMatch: number;
  };
  network: {
    /** speed above which travel between two trusted logins is impossible (km/h) */
    impossibleTravelKmh: number;
    /** below this distance geo-IP error dominates: never impossible travel */
    impossibleTravelMinKm: number;
  };
  typing: {
    /**
     * Share of the owner's own logins (on a device the account trusts) that the typing rhythm alone may
     * challenge: the per-account cut on how unusual a login's rhythm is for that account (0.0001..0.2).
     */
    falseChallengeRate: number;
  };
  bot: {
    /** page submitted this fast after load (ms) with typed credentials is not a person */
    minSubmitMs: number;
  };
  /** New-account fraud at registration (signup.detector.ts). */
  signup: {
    /** window of the IP, network and ASN counts */
    windowMinutes: number;
    /** window of the device count (a farm reuses a device for hours) */
    deviceWindowMinutes: number;
    /** accounts opened from one device in its window: DEVICE_MANY_ACCOUNTS (challenge) */
    deviceAccounts: number;
    /** … strong evidence (deny with the default thresholds) */
    deviceAccountsStrong: number;
    /** accounts opened from one IP / network (/24, /48) / ASN in the window: SIGNUP_VELOCITY */
    ipAccounts: number;
    networkAccounts: number;
    asnAccounts: number;
  };
  /** Takeover cash-out: a sensitive change shortly after a login from a new device. */
  accountChange: {
    /** how long after such a login a change is part of its session */
    windowMinutes: number;
  };
  /** Deny needs one piece of strong evidence (risk ≥ this); otherwise the score stops below deny. */
  denyNeedsRisk: number;
}

export const DEFAULT_POLICY: Policy = {
  thresholds: { challenge: 40, deny: 80 },
  events: {
    registration: { challenge: 40, deny: 80 },
    password_reset_request: { challenge: 40, deny: 80 },
    password_reset: { challenge: 40, deny: 80 },
    // a recovery channel changed by an intruder loses the account for good: challenge earlier
    profile_update: { challenge: 35, deny: 80 },
  },
  fallbackDecision: 'challenge',
  shadowMode: false,
  detectors: {
    token: true,
    lists: true,
    device: true,
    typing: true,
    pointer: true,
    bot: true,
    network: true,
    velocity: true,
    signup: true,
    accountChange: true,
    credentials: true,
    identity: true,
  },
  bruteForce: { accountFailures: 5, accountDeviceFailures: 3, windowMinutes: 15 },
  stuffing: {
    windowMinutes: 60,
    ipAccounts: 8,
    ipFailureRatio: 0.6,
    ipFailures: 5,
    deviceAccounts: 5,
    deviceAccountsStrong: 15,
    asnAccounts: 100,
    asnFailureRatio: 0.8,
  },
  device: { sharedAccounts: 4, fuzzyMatch: 0.8 },
  network: { impossibleTravelKmh: 900, impossibleTravelMinKm: 500 },
  typing: { falseChallengeRate: 0.01 },
  bot: { minSubmitMs: 800 },
  signup: {
    windowMinutes: 60,
    deviceWindowMinutes: 24 * 60,
    deviceAccounts: 4,
    deviceAccountsStrong: 10,
    ipAccounts: 5,
    networkAccounts: 10,
    asnAccounts: 200,
  },
  accountChange: { windowMinutes: 30 },
  denyNeedsRisk: 0.6,
};

function obj(x: unknown): Record<string, unknown> {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

/** Defaults overlaid with the stored section's values of the right type (numbers must be finite). */
function section<T extends object>(defaults: T, stored: unknown): T {
  const s = obj(stored);
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, d] of Object.entries(defaults)) {
    const v = s[k];
    if (typeof d === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === typeof d) out[k] = v;
  }
  return out as T;
}

/** Completes a stored (possibly partial or older) policy with defaults. */
export function resolvePolicy(stored: unknown): Policy {
  const s = obj(stored) as Partial<Record<keyof Policy, unknown>>;
  return {
    thresholds: section(DEFAULT_POLICY.thresholds, s.thresholds),
    events: Object.fromEntries(
      LIFECYCLE_EVENTS.map((e) => [e, section(DEFAULT_POLICY.events[e], obj(s.events)[e])]),
    ) as Policy['events'],
    fallbackDecision: DECISIONS.includes(s.fallbackDecision as Decision)
      ? (s.fallbackDecision as Decision)
      : DEFAULT_POLICY.fallbackDecision,
    shadowMode: typeof s.shadowMode === 'boolean' ? s.shadowMode : DEFAULT_POLICY.shadowMode,
    detectors: section(DEFAULT_POLICY.detectors, s.detectors),
    bruteForce: section(DEFAULT_POLICY.bruteForce, s.bruteForce),
    stuffing: section(DEFAULT_POLICY.stuffing, s.stuffing),
    device: section(DEFAULT_POLICY.device, s.device),
    network: section(DEFAULT_POLICY.network, s.network),
    typing: typingSection(s.typing),
    bot: section(DEFAULT_POLICY.bot, s.bot),
    signup: section(DEFAULT_POLICY.signup, s.signup),
    accountChange: section(DEFAULT_POLICY.accountChange, s.accountChange),
    denyNeedsRisk:
      typeof s.denyNeedsRisk === 'number' && Number.isFinite(s.denyNeedsRisk)
        ? s.denyNeedsRisk
        : DEFAULT_POLICY.denyNeedsRisk,
  };
}

function typingSection(stored: unknown): Policy['typing'] {
  const t = section(DEFAULT_POLICY.typing, stored);
  // out of range (stored by hand or by an older api): the default, never "challenge everyone"
  const ok = t.falseChallengeRate >= 0.0001 && t.falseChallengeRate <= 0.2;
  return ok ? t : { ...DEFAULT_POLICY.typing };
}

/** The thresholds an event is decided by. */
export function thresholdsFor(policy: Policy, event: RiskEvent = 'login'): Thresholds {
  return event === 'login' ? policy.thresholds : (policy.events[event] ?? policy.thresholds);
}

export function decide(score: number, policy: Policy, event: RiskEvent = 'login'): Decision {
  const t = thresholdsFor(policy, event);
  if (score >= t.deny) return 'deny';
  if (score >= t.challenge) return 'challenge';
  return 'allow';
}
