import type { Decision, LoginStatus, RiskAnswer } from './risk';

// POST /v1/feedback, and the stored assessment GET /v1/assessments/:id answers.

export const FEEDBACK_LABELS = ['legit', 'fraud', 'challenge_passed', 'challenge_failed'] as const;
export type FeedbackLabel = (typeof FEEDBACK_LABELS)[number];

export interface FeedbackRequest {
  assessmentId: string;
  label: FeedbackLabel;
}

export interface FeedbackAnswer {
  id: string;
  assessmentId: string;
  label: FeedbackLabel;
}

export interface Assessment extends RiskAnswer {
  event: string;
  status: LoginStatus;
  /** the decision the policy gave before shadow mode */
  policyDecision: Decision;
  shadow: boolean;
  label: FeedbackLabel | null;
}
