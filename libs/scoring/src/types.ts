// What the engine is given and what it returns. The worker assembles a ScoringInput from
// PostgreSQL and Redis; the engine itself does no I/O.
import type {
  Decision,
  DeviceStatus,
  FeedbackLabel,
  LoginStatus,
  ProfileChange,
  ReasonDetail,
  RiskEvent,
  SignalBundle,
} from '@kizuki/contract';
import type { Policy } from './policy';
import type { Reason, ReasonCode } from './reasons';

export type TokenState = 'valid' | 'missing' | 'invalid' | 'replayed';
export type ListKind = 'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';

export interface AccountHistory {
  /** No earlier login of this account has been seen. */
  isNew: boolean;
  /** Logins seen before this one. */
  loginCount: number;
  /** Logins that ended as trusted outcomes (see docs/architecture.md). */
  trustedLogins: number;
  /** Typing profile as stored (JSON), or null while enrolling. */
  typingProfile: unknown | null;
  /** Pointer profile as stored (JSON), or null while enrolling. */
  pointerProfile: unknown | null;
  /** Countries (ISO 3166-1 alpha-2) of trusted logins. */
  countries: string[];
  /** Primary languages (e.g. 'ja', 'en') of trusted logins. */
  languages: string[];
  /**
   * Networks (IPv4 /24, IPv6 /48: `networkPrefix()`) of trusted logins, most recently used last.
   * Absent or empty: no history (an account enrolled before networks were learned), never "new".
   */
  networks?: string[];
  /** The last trusted login's place and time, for impossible travel. */
  lastLogin: { at: number; country: string | null; lat: number | null; lon: number | null } | null;
  /**
   * Succeeded logins of the account in the account-change window before this event, newest first.
   * Loaded for profile_update only (absent otherwise): the session a change is made in.
   */
  recentLogins?: RecentLogin[];
}

/** A succeeded login shortly before an account change (takeover cash-out). */
export interface RecentLogin {
  /** epoch ms */
  at: number;
  /** Kizuki's device id, null without SDK signals */
  deviceId: string | null;
  /** the login came from a device new to the account (NEW_DEVICE among its reasons) */
  newDevice: boolean;
  decision: Decision;
  /** feedback on the login, if any: a passed challenge vouches for the session */
  label: FeedbackLabel | null;
}

export interface DeviceHistory {
  /** Kizuki's device id. */
  id: string;
  /** This device has been seen on this account before. */
  knownToAccount: boolean;
  /** Matched by fuzzy comparison of components rather than by exact id. */
  fuzzyMatch: boolean;
  /** The device's status for this account (new if not known). */
  status: DeviceStatus;
  /** Distinct accounts that used this device in the tenant (including this one). */
  accountsSeen: number;
  /** Component similarity (0..1) of a fuzzy match, when fuzzyMatch is by components. */
  similarity?: number | null;
}

export interface NetworkInfo {
  ip: string;
  country: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  asn: number | null;
  asnOrg: string | null;
  datacenter: boolean;
  tor: boolean;
  /** Primary language of the Accept-Language header ('ja', 'en', …), or null. */
  language: string | null;
}

/** Sliding-window counters from Redis, shared by all workers. */
export interface VelocityCounts {
  /** failed logins on this account in the brute-force window (including this one if failed) */
  accountFailures: number;
  /** failed logins on this account from this device in the window */
  accountDeviceFailures: number;
  /** distinct accounts tried from this IP in the window */
  ipAccounts: number;
  /** distinct accounts tried from this device in the window */
  deviceAccounts: number;
  /** distinct accounts tried from this ASN in the window */
  asnAccounts: number;
  /** failed logins from this IP in the window */
  ipFailures: number;
  /** logins (any status) from this IP in the window, this one included */
  ipLogins: number;
  /** logins (any status) from this ASN in the window */
  asnLogins: number;
  /** failed logins from this ASN in the window */
  asnFailures: number;
  /** registrations only (absent otherwise): distinct accounts opened in the sign-up windows */
  signup?: SignupCounts;
}

/** Accounts opened (registration events) recently, by source. */
export interface SignupCounts {
  /** from this device, in policy.signup.deviceWindowMinutes (this one included) */
  device: number;
  /** from this IP, in policy.signup.windowMinutes */
  ip: number;
  /** from this network (IPv4 /24, IPv6 /48) */
  network: number;
  /** from this ASN */
  asn: number;
}

/** The e-mail domain the customer sent (registration, profile_update), never the address. */
export interface EmailInfo {
  domain: string;
  /** on the maintained list of disposable-mail domains (or a subdomain of one) */
  disposable: boolean;
}

export interface ListMatch {
  list: 'allow' | 'deny';
  kind: ListKind;
  value: string;
  comment: string | null;
}

export interface ScoringInput {
  /** epoch ms */
  now: number;
  policy: Policy;
  event: { type: RiskEvent; status: LoginStatus; changes?: ProfileChange[] };
  /** registration / profile_update with an e-mail domain: null or absent otherwise */
  email?: EmailInfo | null;
  token: { state: TokenState; detail?: ReasonDetail };
  /** The SDK's bundle, or null when there was no (usable) token. */
  bundle: SignalBundle | null;
  account: AccountHistory;
  device: DeviceHistory | null;
  network: NetworkInfo;
  velocity: VelocityCounts;
  lists: ListMatch[];
  /** The customer's breached-password check of this call's password (absent: not sent). */
  credentials?: CredentialsCheck | null;
  /** The verified ID document behind the account, as Kizuki has seen it (absent: not sent). */
  identity?: IdentityDocumentSeen | null;
}

export interface CredentialsCheck {
  breached: boolean;
  /** appearances in breaches, when the customer sent it */
  breachCount: number | null;
}

export interface IdentityDocumentSeen {
  /** distinct accounts of the tenant this document was sent for, this one included */
  accounts: number;
  /** on the tenant's watch list of leaked documents */
  leaked: boolean;
}

export type EvidenceCategory = 'takeover' | 'bot' | 'integrity' | 'info';

/** One detector's finding. risk is a probability-like weight 0..1, fused by noisy-OR. */
export interface Evidence {
  code: ReasonCode;
  /** what was found, as a template key and parameters (worded by reasonDetailText and the console) */
  detail: ReasonDetail;
  category: EvidenceCategory;
  risk: number;
  /** A list hit forces the decision regardless of score. */
  override?: Decision;
}

export interface ScoringResult {
  /** The decision answered to the caller (allow in shadow mode unless a list forced it). */
  decision: Decision;
  /** What the policy decided from the evidence, enforced or not. */
  policyDecision: Decision;
  shadow: boolean;
  score: number;
  scores: { takeover: number | null; bot: number | null; typing: number | null; pointer: number | null };
  /** The device's status for this account as the engine sees it (null without a device). */
  deviceStatus: DeviceStatus | null;
  reasons: Reason[];
  evidence: Evidence[];
}
