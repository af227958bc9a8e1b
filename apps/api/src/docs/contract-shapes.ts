import type { DeviceLinks, DeviceRef, RiskAnswer, RiskReason, RiskScores } from '@kizuki/contract';

// The contract's response types as values, for the spec that holds the OpenAPI document to them.
// Each is typed from its contract type, so the type check refuses a field added, removed, made
// optional or nullable in the contract until the line here says so too.

type IsRequired<T, K extends keyof T> = Partial<Pick<T, K>> extends Pick<T, K> ? false : true;
type Flags<T> = { [K in keyof T]-?: { required: IsRequired<T, K>; nullable: null extends T[K] ? true : false } };

const f = <R extends boolean, N extends boolean>(required: R, nullable: N) => ({ required, nullable });

export const RISK_SCORES: Flags<RiskScores> = {
  takeover: f(true, true),
  bot: f(true, true),
  typing: f(true, true),
  pointer: f(true, true),
};
export const RISK_REASON: Flags<RiskReason> = {
  code: f(true, false),
  detail: f(true, false),
  detailKey: f(false, false),
  params: f(false, false),
};
export const DEVICE_REF: Flags<DeviceRef> = { id: f(true, false), status: f(true, false) };
export const DEVICE_LINKS: Flags<DeviceLinks> = {
  approve: f(true, false),
  report: f(true, false),
  expiresAt: f(true, false),
};
export const RISK_ANSWER: Flags<RiskAnswer> = {
  id: f(true, false),
  decision: f(true, false),
  score: f(true, true),
  scores: f(true, false),
  reasons: f(true, false),
  device: f(true, true),
  degraded: f(true, false),
  createdAt: f(true, false),
  links: f(false, false),
};
