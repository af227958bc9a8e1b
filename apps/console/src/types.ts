// What the console reads from /admin/api: the answers' fields it uses, typed once here. Times arrive as
// ISO strings. Shapes shared with the public API come from @kizuki/contract.
import type {
  AutomationSignals,
  Decision,
  DeviceStatus,
  FeedbackLabel,
  LoginStatus,
  PageSignals,
  PointerType,
  ProfileChange,
  RiskEvent,
  RiskReason,
  RiskScores,
  TypingRoleView,
  WebhookEventType,
} from '@kizuki/contract';

export type { TypingRoleView };

export type Role = 'admin' | 'analyst' | 'viewer';

/** A page of a list; nextCursor is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Me {
  email: string;
  role: Role;
  tenant: { id: string; name: string };
  totpEnabled: boolean;
  mustChangePassword: boolean;
  csrfToken: string;
}

// ---- dashboard and IPs ----

export interface Bar {
  key: string;
  n: number;
  flagged?: number;
}

export interface Dashboard {
  totals: { total: number; allow: number; challenge: number; deny: number; fraud: number; users: number; ips: number };
  bucket: 'hour' | 'day';
  series: { t: string; allow: number; challenge: number; deny: number }[];
  reasons: { code: string; n: number }[];
  bursts: { t: string; bad: number; n: number; users: number; ips: number }[];
  /** by non-allowed logins, then checks */
  ips: Bar[];
  /** the end of the IP summary snapshot the top IPs come from (a busy tenant), null when ranked live */
  ipsAsOf: string | null;
  asns: Bar[];
  countries: Bar[];
  review: { open: number; mine: number; capped: boolean };
}

export interface IpRow {
  ip: string;
  checks: number;
  users: number;
  failures: number;
  flagged: number;
  denied: number;
  countries: string[];
  asn: number | null;
  datacenter: boolean;
  tor: boolean;
  foreign: boolean;
  lastSeen: string;
}

/** GET /admin/api/ips: the period's figures; asOf is the snapshot's end (a busy tenant), null when read live. */
export interface IpSummary {
  from: string;
  to: string;
  asOf: string | null;
  items: IpRow[];
}

// ---- logins ----

/** The customer's user.email / user.name / user.label (masked for viewers). */
export interface DisplayLabel {
  email?: string;
  name?: string;
  label?: string;
}

export interface ReviewState {
  assignee: { id: string; email: string | null } | null;
  note: string | null;
}

/** labels the console sets; the API also accepts the challenge outcomes */
export type LoginLabel = FeedbackLabel | 'none';

export interface LoginRow {
  id: string;
  createdAt: string;
  decision: Decision;
  policyDecision: Decision;
  shadow: boolean;
  event: RiskEvent;
  changes: ProfileChange[];
  status: LoginStatus;
  score: number;
  reasons: string[];
  label: LoginLabel | null;
  ip: string | null;
  country: string | null;
  asn: number | null;
  device: { id: string; status: DeviceStatus } | null;
  account: { id: string; userHash: string; display: DisplayLabel | null };
  review: ReviewState;
}

export interface LoginDetail {
  id: string;
  createdAt: string;
  event: RiskEvent;
  changes: ProfileChange[];
  status: LoginStatus;
  decision: Decision;
  policyDecision: Decision;
  shadow: boolean;
  score: number;
  scores: Partial<RiskScores> | null;
  reasons: RiskReason[];
  label: LoginLabel | null;
  network: { ip: string | null; country: string | null; asn: number | null; userAgent: string | null };
  account: {
    id: string;
    userHash: string;
    display: DisplayLabel | null;
    loginCount: number;
    trustedLogins: number;
    countries: string[] | null;
  };
  review: ReviewState;
  device: {
    id: string;
    linkStatus: DeviceStatus;
    firstSeenAt: string;
    accounts: number;
    components: Record<string, unknown> | null;
  } | null;
  behaviour: {
    automation: AutomationSignals | null;
    pointer: { type: PointerType; eventCount: number; clicks: number; touches: number } | null;
    page: PageSignals | null;
  } | null;
  typing: TypingRoleView[];
}

// ---- accounts ----

export interface AccountDevice {
  id: string;
  status: DeviceStatus;
  components: Record<string, string | undefined> | null;
  otherAccounts: number;
  logins: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface Account {
  userHash: string;
  display: DisplayLabel | null;
  createdAt: string;
  lastSeenAt: string | null;
  loginCount: number;
  trustedLogins: number;
  networks: string[] | null;
  typing: TypingRoleView[];
  hasPointerProfile: boolean;
  countryHistory: { country: string; n: number; lastSeen: string }[];
  devices: AccountDevice[];
}

// ---- configuration ----

export interface ListEntry {
  id: string;
  list: 'allow' | 'deny';
  kind: 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';
  value: string;
  comment: string | null;
  expiresAt: string | null;
  expired: boolean;
  createdAt: string;
}

/** The fields of a tenant's policy the console edits and sends back. */
export type LifecycleEvent = Exclude<RiskEvent, 'login'>;

export interface PolicyFields {
  thresholds: { challenge: number; deny: number };
  /** each event's own thresholds (login's are `thresholds`) */
  events: Record<LifecycleEvent, { challenge: number; deny: number }>;
  fallbackDecision: Decision;
  shadowMode: boolean;
  detectors: Record<string, boolean>;
  bruteForce: unknown;
  /** per-account typing calibration: share of owners' own logins the rhythm alone may challenge (0.0001–0.2) */
  typing?: { falseChallengeRate: number };
}

export interface PolicyAnswer {
  policy: PolicyFields;
  detectors: string[];
}

export interface BacktestSummary {
  total: number;
  changed: number;
  current: Record<Decision, number>;
  proposed: Record<Decision, number>;
  fraudAllowed: { current: number; proposed: number };
  legitBlocked: { current: number; proposed: number };
}

export interface Backtest extends BacktestSummary {
  /** the same per event (events with assessments in the period only) */
  byEvent: Partial<Record<RiskEvent, BacktestSummary>>;
}

export interface ApiKeyRow {
  id: string;
  kind: 'secret' | 'publishable';
  prefix: string;
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

/** A created or rotated key: the full key is in this answer only. */
export interface KeyCreated {
  key: string;
}

export interface TeamMember {
  id: string;
  email: string;
  role: Role;
  totpEnabled: boolean;
  lastLoginAt: string | null;
}

/** An invitation's answer: the one-time password is in this answer only. */
export interface TeamInvited {
  email: string;
  oneTimePassword: string;
}

export interface AuditRow {
  id: string;
  createdAt: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

// ---- webhooks ----

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  secretPrefix: string;
  createdAt: string;
}

export interface WebhookCreated {
  item: WebhookEndpoint;
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  event: WebhookEventType;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
