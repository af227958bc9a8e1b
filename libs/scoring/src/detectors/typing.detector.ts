import type { Evidence } from '../types';
import type { FieldTyping } from '@kizuki/contract';
import { activeTypingModalities, holdlessAnomalyFactor, inputModality, typingProfileFor } from '../modality';
import {
  keyTimingsFromField,
  typingRisk,
  typingState,
  typingStateAnomaly,
  typingStateComparable,
  typingStateSamples,
  type TypingProfileState,
} from '../typing';
import type { Detector } from './detector';

/** Evidence risk of the strongest mismatch (typing score 1); a score of 0.5 or less adds none. */
export const TYPING_MISMATCH_MAX_RISK = 0.75;
/**
 * On a device the account has never used, the rhythm is the one thing left that can vouch for the
 * owner. A typing score past the equal-error point (> 0.5: more like another person than the
 * owner) then weighs at least this much, so that with NEW_DEVICE (0.25) it reaches a challenge
 * (1 − 0.75 × 0.7 = 0.475 → 48) — two independent signs of another person, not one.
 */
export const TYPING_MISMATCH_NEW_DEVICE_MIN_RISK = 0.3;
/**
 * On a device the account trusts (a trusted outcome happened on it: a possession factor), the
 * strongest mismatch weighs at most this: below the challenge threshold on its own, so it needs a
 * second sign (a strong pointer mismatch, a new country…) to challenge. On the owner's own device a
 * departing rhythm is far more often the owner's own variability than an intruder: genuine logins
 * of CMU subjects against a 10-sample profile reach typing scores of 0.8-0.98 a few times in 20
 * (docs/detection-report.md), as high as another person's.
 */
export const TYPING_MISMATCH_TRUSTED_DEVICE_MAX_RISK = 0.35;

// Typing rhythm against the account's stored profile (libs/scoring/src/typing, docs/scoring-typing.md).
// scores.typing: 0..1 (typingRisk of the anomaly), null while enrolling or without typed keys.
// TYPING_MISMATCH (takeover) when scores.typing > 0.5, its risk growing to TYPING_MISMATCH_MAX_RISK
// (on a device the account trusts, to TYPING_MISMATCH_TRUSTED_DEVICE_MAX_RISK; on a device new to the
// account, at least TYPING_MISMATCH_NEW_DEVICE_MIN_RISK).
// NO_BEHAVIOR (info, risk 0) when the password was autofilled or pasted, or had no key events:
// a password manager is normal, so no behaviour is neutral, never evidence of fraud on its own.
export const typingDetector: Detector = {
  name: 'typing',
  run({ bundle, account, device }) {
    const evidence: Evidence[] = [];
    const fields: FieldTyping[] = bundle && Array.isArray(bundle.typing?.fields) ? bundle.typing.fields : [];
    if (!bundle) return { evidence, scores: { typing: null } };
    const password = fields.find((f) => f && f.role === 'password');
    const why = noBehaviour(password);
    if (why) {
      evidence.push({ code: 'NO_BEHAVIOR', category: 'info', risk: 0, detail: why });
      return { evidence, scores: { typing: null } };
    }
    // compared only with the profile of the same typing modality (a phone's touch keyboard is not a laptop's)
    const modality = inputModality(bundle).typing ?? 'physical_keyboard';
    const stored = typingProfileFor(account?.typingProfile, modality);
    const parts: { role: string; risk: number; anomaly: number; keys: number }[] = [];
    let incomparable = false;
    for (const role of ['password', 'username'] as const) {
      const state: TypingProfileState | undefined = stored[role];
      const field = role === 'password' ? password : fields.find((f) => f && f.role === role);
      if (!state || typingState(state) !== 'active' || !field || noBehaviour(field)) continue;
      const sample = keyTimingsFromField(field.keys);
      if (!sample) continue;
      if (!typingStateComparable(state, sample.length)) {
        if (role === 'password') incomparable = true;
        continue;
      }
      const holdless = modality === 'touch_keyboard' && sample.every((k) => k.up <= k.down);
      const anomaly = typingStateAnomaly(state, sample) * (holdless ? holdlessAnomalyFactor(sample.length) : 1);
      parts.push({ role, anomaly, risk: typingRisk(anomaly, typingStateSamples(state)), keys: sample.length });
    }
    if (parts.length === 0) {
      const others = activeTypingModalities(account?.typingProfile).filter((m) => m !== modality);
      if (!incomparable && others.length && !stored.password?.baseline) {
        // a first login on a new modality: judged on device and network, never on a profile it cannot match
        evidence.push({
          code: 'NO_BEHAVIOR',
          category: 'info',
          risk: 0,
          detail:
            `Typed on a ${MODALITY_WORDS[modality]}, which this account has no profile for yet ` +
            `(it has one for the ${others.map((m) => MODALITY_WORDS[m]).join(' and ')}): typing not compared.`,
        });
      }
      if (incomparable) {
        evidence.push({
          code: 'NO_BEHAVIOR',
          category: 'info',
          risk: 0,
          detail: 'Password typing cannot be compared with the profile (different length: password changed?).',
        });
      }
      return { evidence, scores: { typing: null } };
    }
    // Fields weigh by their number of keys: a longer sequence says more about the typist.
    const keys = parts.reduce((s, p) => s + p.keys, 0);
    const typing = Math.round((1000 * parts.reduce((s, p) => s + p.risk * p.keys, 0)) / keys) / 1000;
    if (typing > 0.5) {
      // a device the account never used (not fraud-flagged: that is 0.9 on its own)
      const unfamiliar = !!device && !device.knownToAccount && device.status !== 'fraud' && !account?.isNew;
      // a device the account trusts (not merely seen: 'pending' may be an attacker's earlier try)
      const trustedDevice = !!device && device.knownToAccount && device.status === 'trusted';
      const share = Math.min(1, (typing - 0.5) / 0.5);
      const raw = unfamiliar
        ? Math.max(TYPING_MISMATCH_NEW_DEVICE_MIN_RISK, TYPING_MISMATCH_MAX_RISK * share)
        : (trustedDevice ? TYPING_MISMATCH_TRUSTED_DEVICE_MAX_RISK : TYPING_MISMATCH_MAX_RISK) * share;
      const risk = Math.round(1000 * raw) / 1000;
      const where = unfamiliar
        ? ', on a device new to the account'
        : trustedDevice
          ? ', on a device the account trusts'
          : '';
      const detail = parts.map((p) => `${p.role} anomaly ${p.anomaly.toFixed(2)}`).join(', ') + where;
      evidence.push({
        code: 'TYPING_MISMATCH',
        category: 'takeover',
        risk,
        detail: `Typing rhythm departs from the account's profile (typing score ${typing.toFixed(2)}; ${detail}).`,
      });
    }
    return { evidence, scores: { typing } };
  },
};

const MODALITY_WORDS = { physical_keyboard: 'physical keyboard', touch_keyboard: 'touch keyboard' } as const;

function noBehaviour(field: FieldTyping | undefined): string | null {
  if (!field) return 'No password field typing was recorded.';
  if (field.autofilled) return 'Password was autofilled (password manager or browser): no typing rhythm.';
  if (field.pasted) return 'Password was pasted: no typing rhythm.';
  if (!Array.isArray(field.keys) || field.keys.length === 0 || !keyTimingsFromField(field.keys)) {
    return 'Password field has no usable key events.';
  }
  return null;
}
