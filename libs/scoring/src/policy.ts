// A tenant's policy: how evidence becomes a decision. Stored per tenant as JSON; every field has a
// default so a partial stored policy is always completed by resolvePolicy().

export type Decision = 'allow' | 'challenge' | 'deny';
export const DECISIONS: readonly Decision[] = ['allow', 'challenge', 'deny'];

export type DetectorName = 'token' | 'lists' | 'device' | 'typing' | 'pointer' | 'bot' | 'network' | 'velocity';
export const DETECTOR_NAMES: readonly DetectorName[] = ['token', 'lists', 'device', 'typing', 'pointer', 'bot', 'network', 'velocity'];

export interface Policy {
  /** score >= challenge → challenge; score >= deny → deny (0-100). */
  thresholds: { challenge: number; deny: number };
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
}

export const DEFAULT_POLICY: Policy = {
  thresholds: { challenge: 40, deny: 80 },
  fallbackDecision: 'challenge',
  shadowMode: false,
  detectors: { token: true, lists: true, device: true, typing: true, pointer: true, bot: true, network: true, velocity: true },
  bruteForce: { accountFailures: 5, accountDeviceFailures: 3, windowMinutes: 15 },
};

/** Completes a stored (possibly partial or older) policy with defaults. */
export function resolvePolicy(stored: unknown): Policy {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<Policy>;
  return {
    thresholds: { ...DEFAULT_POLICY.thresholds, ...(s.thresholds ?? {}) },
    fallbackDecision: DECISIONS.includes(s.fallbackDecision as Decision) ? (s.fallbackDecision as Decision) : DEFAULT_POLICY.fallbackDecision,
    shadowMode: typeof s.shadowMode === 'boolean' ? s.shadowMode : DEFAULT_POLICY.shadowMode,
    detectors: { ...DEFAULT_POLICY.detectors, ...(s.detectors ?? {}) },
    bruteForce: { ...DEFAULT_POLICY.bruteForce, ...(s.bruteForce ?? {}) },
  };
}

export function decide(score: number, policy: Policy): Decision {
  if (score >= policy.thresholds.deny) return 'deny';
  if (score >= policy.thresholds.challenge) return 'challenge';
  return 'allow';
}
