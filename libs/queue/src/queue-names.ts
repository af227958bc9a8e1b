// The api ↔ worker contract: which queues exist and which jobs travel on each.
export enum QueueName {
  Ingest = 'ingest',
  Score = 'score',
  Webhooks = 'webhooks',
}

export enum JobName {
  IngestBundle = 'IngestBundleJob',
  ScoreLogin = 'ScoreLoginJob',
  ApplyFeedback = 'ApplyFeedbackJob',
  Retention = 'RetentionJob',
  ConsoleRollup = 'ConsoleRollupJob',
  IpSummary = 'IpSummaryJob',
  DeliverWebhook = 'DeliverWebhookJob',
  SweepWebhooks = 'SweepWebhooksJob',
}

/** Every job name belongs to exactly one queue. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.IngestBundle]: QueueName.Ingest,
  [JobName.ScoreLogin]: QueueName.Score,
  [JobName.ApplyFeedback]: QueueName.Score,
  // maintenance rides on the ingest queue: signals arrive there and leave through it
  [JobName.Retention]: QueueName.Ingest,
  [JobName.ConsoleRollup]: QueueName.Ingest,
  [JobName.IpSummary]: QueueName.Ingest,
  [JobName.DeliverWebhook]: QueueName.Webhooks,
  [JobName.SweepWebhooks]: QueueName.Webhooks,
};

/** Deterministic job ids: BullMQ refuses ':' in custom ids, so '-' joins the parts. */
export const jobIds = {
  /** a batch of bundles (its own uuid), or one bundle (its id) for jobs from before batching */
  ingest: (batchId: string) => `ingest-${batchId}`,
  score: (assessmentId: string) => `score-${assessmentId}`,
  feedback: (feedbackId: string) => `feedback-${feedbackId}`,
  webhook: (deliveryId: string) => `webhook-${deliveryId}`,
};
