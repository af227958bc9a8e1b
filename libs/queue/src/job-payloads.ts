import type {
  FeedbackLabel,
  LoginStatus,
  ProfileChange,
  ReasonDetail,
  RiskAnswer,
  RiskEvent,
  SignalBundle,
} from '@kizuki/contract';
import { JobName } from './queue-names';

/** One SDK bundle received by POST /v1/collect. */
export interface ReceivedBundle {
  tenantId: string;
  bundleId: string;
  receivedAt: string;
  ip: string | null;
  userAgent: string | null;
  origin: string | null;
  bundle: SignalBundle;
}

/**
 * Stores the SDK bundles an api process received in one turn of its event loop: one job for
 * several collects, because BullMQ's bookkeeping per job (add, activate, finish, events) cost more
 * than storing the bundle. The request token names the job (its `j` claim).
 */
export interface IngestBundleJobData {
  bundles: ReceivedBundle[];
}

/** The bundles of an ingest job; a job queued by an api from before batching carries one bundle as its data. */
export function receivedBundles(data: IngestBundleJobData | ReceivedBundle | undefined): ReceivedBundle[] {
  if (!data) return [];
  return 'bundles' in data ? (Array.isArray(data.bundles) ? data.bundles : []) : [data];
}

/** Scores one login for POST /v1/risk. The raw user id never enters Redis: only its pseudonym. */
export interface ScoreLoginJobData {
  tenantId: string;
  assessmentId: string;
  idempotencyKey: string;
  requestedAt: string;
  /** absent in jobs queued by an api from before events: a login */
  event: RiskEvent;
  /** profile_update: what changed */
  changes?: ProfileChange[];
  status: LoginStatus;
  userHash: string;
  /** registration / profile_update: the e-mail's domain (lower case), never the address */
  emailDomain?: string | null;
  context: { ip: string; userAgent: string | null; acceptLanguage: string | null };
  token:
    | { state: 'valid'; bundleId: string; batchId?: string }
    /** a string in jobs queued by an api from before reason-detail keys: the state's own detail then */
    | { state: 'missing' | 'invalid'; detail: ReasonDetail | string };
  /** the risk call's credentials (breached password), when sent */
  credentials?: { breached: boolean; breachCount: number | null };
  /** the stored hash (documentStoredHash) of the verified ID document, when sent */
  documentHash?: string;
  /** user.email/name/label, sealed by the api (never in clear in Redis), with their search keys */
  displayLabel?: { sealed: string; keys: string[] };
}

/** Applies a trusted outcome or a fraud label to the account's profile and devices. */
export interface ApplyFeedbackJobData {
  tenantId: string;
  feedbackId: string;
  assessmentId: string;
  label: FeedbackLabel;
}

/**
 * Delivers one webhook event to one endpoint (DeliverWebhookJob). The event's body is in the
 * delivery row (webhook_deliveries), so Redis holds ids only; the job id is the delivery id.
 */
export interface DeliverWebhookJobData {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
}

/**
 * Re-queues webhook deliveries left 'pending' (their job never reached Redis) — SweepWebhooksJob,
 * scheduled every minute with an empty payload; the fields are for tests and manual runs.
 */
export interface SweepWebhooksJobData {
  /** only rows pending for longer than this (default 60 s) */
  olderThanSeconds?: number;
  /** rows per batch (default 200, at most 1000) */
  batchSize?: number;
}

export interface SweepWebhooksJobResult {
  /** rows looked at */
  found: number;
  /** jobs added (none existed, or a finished one was replaced) */
  requeued: number;
  /** rows whose job was still waiting, delayed or running */
  alreadyQueued: number;
}

/** Purges expired signal bundles and assessments (RetentionJob); scheduled with an empty payload. */
export interface RetentionJobData {
  /** only this tenant (default: all) */
  tenantId?: string;
  /** the purge's notion of now, ISO 8601 (default: the time it runs) */
  now?: string;
}

export interface RetentionJobResult {
  tenants: number;
  /** rows deleted one by one (partitions dropped whole are counted in `partitions`) */
  signalBundles: number;
  assessments: number;
  feedback: number;
  /** console roll-up hours and 10-minute windows (console_hours, console_bursts) */
  consoleRollup: number;
  /** IP summary snapshots that held an expired assessment (ip_summaries, with their rows) */
  ipSummaries: number;
  tokenUses: number;
  assessmentKeys: number;
  /** time partitions made ahead, and dropped whole once every tenant's period passed them */
  partitions: { created: string[]; dropped: string[]; busy: string[] };
}

/** Rolls up the console's closed hours (ConsoleRollupJob); scheduled with an empty payload. */
export interface ConsoleRollupJobData {
  /** the roll-up's notion of now, ISO 8601 (default: the time it runs) */
  now?: string;
}

export interface ConsoleRollupJobResult {
  /** tenants that had closed hours to roll up */
  tenants: number;
  /** hours with assessments rolled up */
  hours: number;
}

/** Rebuilds the IP summary snapshots that are due (IpSummaryJob); scheduled with an empty payload. */
export interface IpSummaryJobData {
  /** the job's notion of now, ISO 8601 (default: the time it runs) */
  now?: string;
}

export interface IpSummaryJobResult {
  /** snapshots rebuilt */
  built: number;
  /** snapshots skipped: another build of them held their lock */
  skipped: number;
}

export interface JobPayloads {
  [JobName.IngestBundle]: IngestBundleJobData;
  [JobName.ScoreLogin]: ScoreLoginJobData;
  [JobName.ApplyFeedback]: ApplyFeedbackJobData;
  [JobName.Retention]: RetentionJobData;
  [JobName.ConsoleRollup]: ConsoleRollupJobData;
  [JobName.IpSummary]: IpSummaryJobData;
  [JobName.DeliverWebhook]: DeliverWebhookJobData;
  [JobName.SweepWebhooks]: SweepWebhooksJobData;
}

export interface JobResults {
  [JobName.IngestBundle]: { stored: number };
  /** the answer of POST /v1/risk, without its links */
  [JobName.ScoreLogin]: RiskAnswer;
  [JobName.ApplyFeedback]: { applied: boolean };
  [JobName.Retention]: RetentionJobResult;
  [JobName.ConsoleRollup]: ConsoleRollupJobResult;
  [JobName.IpSummary]: IpSummaryJobResult;
  [JobName.DeliverWebhook]: { status: 'delivered' | 'skipped'; statusCode?: number };
  [JobName.SweepWebhooks]: SweepWebhooksJobResult;
}
