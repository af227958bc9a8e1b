// The wire shapes are @kizuki/contract's, compiled into this package (dist/contract) so its types
// stay self-contained; the client only adds what it does itself.
import type {
  RiskAnswer as WireRiskAnswer,
  RiskRequest as WireRiskRequest,
  RiskUser as WireRiskUser,
} from '../../contract/src';

export type {
  Assessment,
  Decision,
  DeviceLinks,
  DeviceRef,
  DeviceStatus,
  FeedbackAnswer,
  FeedbackLabel,
  LoginStatus,
  ProfileChange,
  RiskEvent,
  RiskReason,
  RiskScores,
  UserDevice,
} from '../../contract/src';

/**
 * The user as risk() takes it: `email` (registration, or the new address of a profile_update) is
 * reduced to its domain here, and only the domain is sent (user.emailDomain).
 */
export interface RiskUser extends WireRiskUser {
  email?: string;
}

/** What risk() takes: the wire request, with `event` defaulting to 'login'. */
export interface RiskRequest extends Omit<WireRiskRequest, 'event' | 'user'> {
  event?: WireRiskRequest['event'];
  user: RiskUser;
}

export interface RiskAnswer extends WireRiskAnswer {
  /** Set by the client when the answer is its own fallback (Kizuki unreachable, timed out or erroring). */
  error?: string;
}
