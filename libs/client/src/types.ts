// The wire shapes are @kizuki/contract's, compiled into this package (dist/contract) so its types
// stay self-contained; the client only adds what it does itself.
import type { RiskAnswer as WireRiskAnswer, RiskRequest as WireRiskRequest } from '../../contract/src';

export type {
  Assessment,
  Decision,
  DeviceLinks,
  DeviceRef,
  DeviceStatus,
  FeedbackAnswer,
  FeedbackLabel,
  LoginStatus,
  RiskReason,
  RiskScores,
  UserDevice,
} from '../../contract/src';

/** What risk() takes: the wire request, with `event` defaulting to 'login'. */
export interface RiskRequest extends Omit<WireRiskRequest, 'event'> {
  event?: WireRiskRequest['event'];
}

export interface RiskAnswer extends WireRiskAnswer {
  /** Set by the client when the answer is its own fallback (Kizuki unreachable, timed out or erroring). */
  error?: string;
}
