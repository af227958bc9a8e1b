// POST /v1/risk: what the customer's backend sends and what it gets back; GET /v1/assessments/:id
// and the user device routes answer the same shapes. The api validates against a DTO that
// implements these, the score job returns RiskAnswer, the client and the OpenAPI document use them.

import type { ReasonDetailKey, ReasonDetailParam } from './reason-details';

export const LOGIN_STATUSES = ['attempted', 'succeeded', 'failed'] as const;
export type LoginStatus = (typeof LOGIN_STATUSES)[number];

/** What the customer asks about: a login, or another step of the account's life (docs/api.md#events). */
export const RISK_EVENTS = [
  'login',
  'registration',
  'password_reset_request',
  'password_reset',
  'profile_update',
] as const;
export type RiskEvent = (typeof RISK_EVENTS)[number];

/** What a profile_update changes (required with that event, refused with the others). */
export const PROFILE_CHANGES = ['email', 'phone', 'password', 'mfa', 'address'] as const;
export type ProfileChange = (typeof PROFILE_CHANGES)[number];

export const DECISIONS = ['allow', 'challenge', 'deny'] as const;
export type Decision = (typeof DECISIONS)[number];

/** A device's status for one account. */
export const DEVICE_STATUSES = ['new', 'pending', 'trusted', 'shared', 'fraud'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface RiskUser {
  /** the customer's own user id (1–256 chars); pseudonymised on arrival, never stored in clear */
  id: string;
  /**
   * Optional display label, so analysts can tell who the account is (the id is only a pseudonym):
   * stored sealed with a per-tenant key, shown to admins and analysts, masked for viewers, erased
   * with the account, searchable by exact value; not stored when the tenant switched labels off.
   */
  email?: string;
  name?: string;
  label?: string;
  /**
   * The domain of the user's e-mail address (registration; profile_update with "email": the new
   * one), for DISPOSABLE_EMAIL. Only the domain: scoring never takes the address itself (user.email
   * above is a display label, stored sealed only for the console, never scored).
   */
  emailDomain?: string;
}

export interface RiskContext {
  /** the end user's IPv4 or IPv6 address, as the customer's backend saw it */
  ip: string;
  userAgent?: string;
  acceptLanguage?: string;
}

/**
 * What the customer's backend learnt about the password of this call (@kizuki/client isBreached():
 * a k-anonymity range lookup, the password itself never leaves the backend).
 */
export interface RiskCredentials {
  /** the password is in the breached-password corpus */
  breached: boolean;
  /** how often it appears in breaches (the range answer's COUNT) */
  breachCount?: number;
}

/** The identity the customer verified for this account (registration, KYC). */
export interface RiskIdentity {
  /**
   * @kizuki/client documentHash(number): a keyed hash (64 lower-case hex) of the verified ID
   * document's number, computed with the tenant's document key. Never the number itself.
   */
  documentHash?: string;
}

export interface RiskRequest {
  /** The SDK's kizuki_request_token form field (optional: without it the answer says TOKEN_MISSING). */
  requestToken?: string | null;
  event: RiskEvent;
  /** profile_update only: what the user changes (1–5 of PROFILE_CHANGES). */
  changes?: ProfileChange[];
  status: LoginStatus;
  user: RiskUser;
  context: RiskContext;
  credentials?: RiskCredentials;
  identity?: RiskIdentity;
}

export interface RiskScores {
  takeover: number | null;
  bot: number | null;
  typing: number | null;
  pointer: number | null;
}

export interface RiskReason {
  code: string;
  /** the detail in English, rendered from detailKey and params */
  detail: string;
  /** the detail as a template key and its parameters, for wording it in another language (absent on old rows) */
  detailKey?: ReasonDetailKey;
  params?: Record<string, ReasonDetailParam>;
}

export interface DeviceRef {
  id: string;
  status: DeviceStatus;
}

/** "Was this you?" links, when the device is new to the user (see docs/api.md). */
export interface DeviceLinks {
  approve: string;
  report: string;
  expiresAt: string;
}

export interface RiskAnswer {
  id: string;
  decision: Decision;
  /** 0–100, null when degraded */
  score: number | null;
  scores: RiskScores;
  /** most important first */
  reasons: RiskReason[];
  /** null without SDK signals */
  device: DeviceRef | null;
  /** true when Kizuki could not score in time: decision is the tenant's fallback. */
  degraded: boolean;
  createdAt: string;
  links?: DeviceLinks;
}
