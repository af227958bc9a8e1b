import { reasonDetailText, type Decision } from '@kizuki/contract';
import { decide, thresholdsFor } from '../policy';
import { accountChangeDetector } from '../detectors/account-change.detector';
import type { Detector } from '../detectors/detector';
import { botDetector } from '../detectors/bot.detector';
import { credentialsDetector } from '../detectors/credentials.detector';
import { deviceDetector } from '../detectors/device.detector';
import { identityDetector } from '../detectors/identity.detector';
import { listsDetector } from '../detectors/lists.detector';
import { networkDetector } from '../detectors/network.detector';
import { pointerDetector } from '../detectors/pointer.detector';
import { signupDetector } from '../detectors/signup.detector';
import { tokenDetector } from '../detectors/token.detector';
import { typingDetector } from '../detectors/typing.detector';
import { velocityDetector } from '../detectors/velocity.detector';
import { deviceStatusOf } from '../device/device-match';
import type { Evidence, ScoringInput, ScoringResult } from '../types';

export const DETECTORS: readonly Detector[] = [
  tokenDetector,
  listsDetector,
  deviceDetector,
  networkDetector,
  velocityDetector,
  botDetector,
  typingDetector,
  pointerDetector,
  signupDetector,
  accountChangeDetector,
  credentialsDetector,
  identityDetector,
];

/** Noisy-OR: independent pieces of evidence each have a chance to mean fraud. */
export function fuse(risks: number[]): number {
  return 1 - risks.reduce((p, r) => p * (1 - Math.min(1, Math.max(0, r))), 1);
}

export function assess(input: ScoringInput, detectors: readonly Detector[] = DETECTORS): ScoringResult {
  const evidence: Evidence[] = [];
  const scores: ScoringResult['scores'] = { takeover: null, bot: null, typing: null, pointer: null };
  for (const detector of detectors) {
    if (!input.policy.detectors[detector.name]) continue;
    const out = detector.run(input);
    evidence.push(...out.evidence);
    Object.assign(scores, out.scores);
  }
  const thresholds = thresholdsFor(input.policy, input.event.type);
  let score = Math.round(100 * fuse(evidence.map((e) => e.risk)));
  // Deny needs strong evidence: many weak signs (new device, new country, a VPN…) add up to a
  // challenge at most, so the account owner travelling with a new laptop is never denied.
  const strongest = evidence.reduce((m, e) => Math.max(m, e.risk), 0);
  if (strongest < input.policy.denyNeedsRisk) score = Math.min(score, thresholds.deny - 1);
  scores.takeover ??= round(fuse(evidence.filter((e) => e.category === 'takeover').map((e) => e.risk)));
  scores.bot ??= round(fuse(evidence.filter((e) => e.category === 'bot').map((e) => e.risk)));

  const override = overrideOf(evidence);
  const policyDecision = override ?? decide(score, input.policy, input.event.type);
  const shadow = input.policy.shadowMode && !override;
  const ordered = [...evidence].sort((a, b) => b.risk - a.risk);
  const d = input.device;
  return {
    decision: shadow ? 'allow' : policyDecision,
    policyDecision,
    shadow,
    score: override === 'deny' ? Math.max(score, thresholds.deny) : score,
    scores,
    deviceStatus: d
      ? deviceStatusOf(d.status, d.status === 'fraud', d.accountsSeen, input.policy.device.sharedAccounts)
      : null,
    reasons: ordered.map(({ code, detail }) => ({
      code,
      detail: reasonDetailText(detail),
      detailKey: detail.key,
      params: detail.params ?? {},
    })),
    evidence: ordered,
  };
}

function overrideOf(evidence: Evidence[]): Decision | undefined {
  if (evidence.some((e) => e.override === 'deny')) return 'deny';
  if (evidence.some((e) => e.override === 'allow')) return 'allow';
  return undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
