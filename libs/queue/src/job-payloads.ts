import type { SignalBundle } from '@kizuki/scoring';
import { JobName } from './queue-names';

/** Stores an SDK bundle received by POST /v1/collect. */
export interface IngestBundleJobData {
  tenantId: string;
  bundleId: string;
  receivedAt: string;
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
  bundle: SignalBundle;
}

/** Scores one login for POST /v1/risk. The raw user id never enters Redis: only its pseudonym. */
export interface ScoreLoginJobData {
  tenantId: string;
  assessmentId: string;
  idempotencyKey: string;
  requestedAt: string;
  event: 'login';
  status: 'attempted' | 'succeeded' | 'failed';
  userHash: string;
  context: { ip: string; userAgent: string | null; acceptLanguage: string | null };
  token: { state: 'valid'; bundleId: string } | { state: 'missing' | 'invalid'; detail: string };
}

/** Applies a trusted outcome or a fraud label to the account's profile and devices. */
export interface ApplyFeedbackJobData {
  tenantId: string;
  feedbackId: string;
  assessmentId: string;
  label: 'legit' | 'fraud' | 'challenge_passed' | 'challenge_failed';
}

/** The answer of POST /v1/risk (DESIGN.md §3), also the score job's return value. */
export interface RiskAnswer {
  id: string;
  decision: 'allow' | 'challenge' | 'deny';
  score: number | null;
  scores: { takeover: number | null; bot: number | null; typing: number | null; pointer: number | null };
  reasons: { code: string; detail: string }[];
  device: { id: string; status: string } | null;
  degraded: boolean;
  createdAt: string;
}

export interface JobPayloads {
  [JobName.IngestBundle]: IngestBundleJobData;
  [JobName.ScoreLogin]: ScoreLoginJobData;
  [JobName.ApplyFeedback]: ApplyFeedbackJobData;
}

export interface JobResults {
  [JobName.IngestBundle]: { stored: boolean };
  [JobName.ScoreLogin]: RiskAnswer;
  [JobName.ApplyFeedback]: { applied: boolean };
}
