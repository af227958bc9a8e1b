import { decide, type Decision } from '../policy';
import type { Detector } from '../detectors/detector';
import { deviceDetector } from '../detectors/device.detector';
import { listsDetector } from '../detectors/lists.detector';
import { tokenDetector } from '../detectors/token.detector';
import { typingDetector } from '../detectors/typing.detector';
import { velocityDetector } from '../detectors/velocity.detector';
import type { Evidence, ScoringInput, ScoringResult } from './types';

export const DETECTORS: readonly Detector[] = [tokenDetector, listsDetector, deviceDetector, velocityDetector, typingDetector];

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
  const score = Math.round(100 * fuse(evidence.map((e) => e.risk)));
  scores.takeover ??= round(fuse(evidence.filter((e) => e.category === 'takeover').map((e) => e.risk)));
  scores.bot ??= round(fuse(evidence.filter((e) => e.category === 'bot').map((e) => e.risk)));

  const override = overrideOf(evidence);
  const policyDecision = override ?? decide(score, input.policy);
  const shadow = input.policy.shadowMode && !override;
  const ordered = [...evidence].sort((a, b) => b.risk - a.risk);
  return {
    decision: shadow ? 'allow' : policyDecision,
    policyDecision,
    shadow,
    score: override === 'deny' ? Math.max(score, input.policy.thresholds.deny) : score,
    scores,
    reasons: ordered.map(({ code, detail }) => ({ code, detail })),
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
