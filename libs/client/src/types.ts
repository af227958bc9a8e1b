export type Decision = 'allow' | 'challenge' | 'deny';
export type LoginStatus = 'attempted' | 'succeeded' | 'failed';
export type FeedbackLabel = 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed';

export interface RiskRequest {
  /** The SDK's kizuki_request_token form field (optional: without it the answer says TOKEN_MISSING). */
  requestToken?: string | null;
  event?: 'login';
  status: LoginStatus;
  user: { id: string };
  context: { ip: string; userAgent?: string; acceptLanguage?: string };
}

export interface RiskAnswer {
  id: string;
  decision: Decision;
  score: number | null;
  scores: { takeover: number | null; bot: number | null; typing: number | null; pointer: number | null };
  reasons: { code: string; detail: string }[];
  device: { id: string; status: string } | null;
  /** true when Kizuki could not answer in time (or at all): decision is the fallback. */
  degraded: boolean;
  createdAt: string;
  /** "Was this you?" links, when the device is new to the user (see docs/api.md). */
  links?: { approve: string; report: string; expiresAt: string };
  /** Set by the client when the answer is its own fallback (Kizuki unreachable, timed out or erroring). */
  error?: string;
}

export interface Assessment extends RiskAnswer {
  event: string;
  status: LoginStatus;
  policyDecision: Decision;
  shadow: boolean;
  label: FeedbackLabel | null;
}

export interface UserDevice {
  id: string;
  status: 'new' | 'pending' | 'trusted' | 'fraud';
  logins: number;
  firstSeenAt: string;
  lastSeenAt: string;
}
