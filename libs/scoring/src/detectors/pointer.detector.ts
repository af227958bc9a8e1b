import type { ReasonDetailKey } from '@kizuki/contract';
import type { Evidence } from '../types';
import { POINTER_FEATURE_KEYS, comparePointer, pointerBotTraits, pointerFeatures } from '../pointer';
import type { Detector } from './detector';

/** Evidence risk of the strongest pointer mismatch (scores.pointer 1). Pointer habits vary more than typing. */
export const POINTER_MISMATCH_MAX_RISK = 0.3;
/**
 * scores.pointer above which POINTER_MISMATCH is emitted. A trajectory depends on the page layout,
 * where the pointer rested and the moment more than on the person: genuine logins score up to
 * ~0.85 against their own profile (docs/detection-report.md), as high as other people. Only a
 * strong departure counts; from here the risk grows linearly to POINTER_MISMATCH_MAX_RISK at 1.
 */
export const POINTER_MISMATCH_FROM = 0.8;

// Pointer/touch behaviour: script-like movement (BOT_BEHAVIOR, category bot) and the trajectory
// against the account's pointer profile of the same pointer type (POINTER_MISMATCH, takeover).
// scores.pointer: 0..1, null while enrolling, for another pointer type or without movement.
// No pointer at all (touch, keyboard-only) is NO_BEHAVIOR (risk 0), never bot evidence by itself.
export const pointerDetector: Detector = {
  name: 'pointer',
  run({ bundle, account }) {
    const evidence: Evidence[] = [];
    const p = bundle?.pointer;
    if (!bundle || !p) return { evidence, scores: { pointer: null } };
    for (const t of pointerBotTraits(p))
      evidence.push({ code: 'BOT_BEHAVIOR', category: 'bot', risk: t.risk, detail: t.detail });
    if (!pointerFeatures(p)) {
      evidence.push({
        code: 'NO_BEHAVIOR',
        category: 'info',
        risk: 0,
        detail: { key: p.type === 'touch' || p.touches > 0 ? 'pointer.tooLittleTouch' : 'pointer.tooLittle' },
      });
      return { evidence, scores: { pointer: null } };
    }
    const c = comparePointer(account?.pointerProfile, p, POINTER_FEATURE_KEYS);
    if (!c) return { evidence, scores: { pointer: null } };
    if (c.score > POINTER_MISMATCH_FROM) {
      const risk =
        Math.round(
          1000 *
            POINTER_MISMATCH_MAX_RISK *
            Math.min(1, (c.score - POINTER_MISMATCH_FROM) / (1 - POINTER_MISMATCH_FROM)),
        ) / 1000;
      evidence.push({
        code: 'POINTER_MISMATCH',
        category: 'takeover',
        risk,
        detail: {
          key: 'pointer.mismatch',
          params: {
            type: { key: `pointerType.${c.type}` },
            score: c.score.toFixed(2),
            anomaly: c.anomaly.toFixed(2),
            // the names comparePointer gave back are POINTER_FEATURE_KEYS
            furthest: c.furthest.length
              ? {
                  key: 'pointer.furthest',
                  params: { features: c.furthest.map((k) => ({ key: k as ReasonDetailKey })) },
                }
              : '',
          },
        },
      });
    }
    return { evidence, scores: { pointer: c.score } };
  },
};
