import type { Evidence } from '../types';
import { familiarToAccount } from '../device/familiarity';
import type { FieldTyping, ReasonDetail } from '@kizuki/contract';
import { activeTypingModalities, holdlessAnomalyFactor, inputModality, typingProfileFor } from '../modality';
import {
  CALIBRATION_WARM_LOGINS,
  keyTimingsFromField,
  normalQuantile,
  normalTail,
  typingCalibration,
  typingTail,
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
/**
 * Per-account calibration (typing-calibration.ts): a rhythm more unusual for this account than the
 * tenant's target false-challenge rate (policy.typing.falseChallengeRate) weighs this much — a
 * challenge on its own, on any device — growing to UNUSUAL_MAX_RISK at a hundredth of the target.
 */
export const TYPING_UNUSUAL_RISK = 0.45;
export const TYPING_UNUSUAL_MAX_RISK = 0.75;
/** On a device the account trusts the calibrated evidence stays below deny-strength evidence (0.6). */
export const TYPING_UNUSUAL_TRUSTED_DEVICE_MAX_RISK = 0.55;
/**
 * Typing evidence never reaches deny strength (DEFAULT_POLICY.denyNeedsRisk 0.6) on any device: the
 * owner abroad on a new laptop can type as unlike their profile as another person (6 of 100
 * travellers were denied by a typing score >= 0.9 on a new device, docs/detection-report.md). A
 * departing rhythm challenges; a deny needs bot, integrity or fraud-device evidence.
 */
export const TYPING_EVIDENCE_MAX_RISK = 0.55;

// Typing rhythm against the account's stored profile (libs/scoring/src/typing, docs/scoring-typing.md).
// scores.typing: 0..1 (typingRisk of the anomaly), null while enrolling or without typed keys.
// TYPING_MISMATCH (takeover) when the rhythm is more unusual for this account than the tenant's target
// false-challenge rate allows (per-account calibration: TYPING_UNUSUAL_RISK and up, a challenge on its
// own), or when scores.typing > 0.5, its risk then growing to TYPING_MISMATCH_MAX_RISK
// (on a device the account trusts, to TYPING_MISMATCH_TRUSTED_DEVICE_MAX_RISK; on a device new to the
// account, at least TYPING_MISMATCH_NEW_DEVICE_MIN_RISK); never past TYPING_EVIDENCE_MAX_RISK (no deny alone).
// NO_BEHAVIOR (info, risk 0) when the password was autofilled or pasted, or had no key events:
// a password manager is normal, so no behaviour is neutral, never evidence of fraud on its own.
export const typingDetector: Detector = {
  name: 'typing',
  run({ bundle, account, device, policy }) {
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
    const parts: {
      role: 'password' | 'username';
      risk: number;
      anomaly: number;
      keys: number;
      tail: number;
      logins: number;
    }[] = [];
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
      const raw = typingStateAnomaly(state, sample);
      // press-only timings: the population scale of typingRisk needs the undiluted distance; the
      // account's own calibration was learned on raw anomalies of this very state, so it takes the raw one
      const holdless = modality === 'touch_keyboard' && sample.every((k) => k.up <= k.down);
      const anomaly = raw * (holdless ? holdlessAnomalyFactor(sample.length) : 1);
      const samples = typingStateSamples(state);
      const tail = typingTail(typingCalibration(state.calibration, samples), raw);
      parts.push({ role, anomaly, risk: typingRisk(anomaly, samples), keys: sample.length, tail, logins: state.count });
    }
    if (parts.length === 0) {
      const others = activeTypingModalities(account?.typingProfile).filter((m) => m !== modality);
      if (!incomparable && others.length && !stored.password?.baseline) {
        // a first login on a new modality: judged on device and network, never on a profile it cannot match
        evidence.push({
          code: 'NO_BEHAVIOR',
          category: 'info',
          risk: 0,
          detail: {
            key: 'typing.newModality',
            params: {
              modality: { key: `modality.${modality}` },
              others: others.map((m) => ({ key: `modality.${m}` as const })),
            },
          },
        });
      }
      if (incomparable) {
        evidence.push({
          code: 'NO_BEHAVIOR',
          category: 'info',
          risk: 0,
          detail: { key: 'typing.incomparable' },
        });
      }
      return { evidence, scores: { typing: null } };
    }
    // Fields weigh by their number of keys: a longer sequence says more about the typist.
    const keys = parts.reduce((s, p) => s + p.keys, 0);
    const typing = Math.round((1000 * parts.reduce((s, p) => s + p.risk * p.keys, 0)) / keys) / 1000;
    // a device the account never used (not fraud-flagged: that is 0.9 on its own)
    const unfamiliar = !!device && !familiarToAccount(device) && device.status !== 'fraud' && !account?.isNew;
    // a device the account trusts (not merely seen: 'pending' may be an attacker's earlier try)
    const trustedDevice = !!device && device.knownToAccount && device.status === 'trusted';
    let risk = 0;
    if (typing > 0.5) {
      const share = Math.min(1, (typing - 0.5) / 0.5);
      risk = unfamiliar
        ? Math.max(TYPING_MISMATCH_NEW_DEVICE_MIN_RISK, TYPING_MISMATCH_MAX_RISK * share)
        : (trustedDevice ? TYPING_MISMATCH_TRUSTED_DEVICE_MAX_RISK : TYPING_MISMATCH_MAX_RISK) * share;
    }
    // How unusual for this account: the fields' tail probabilities as normal scores, averaged by keys
    // (the fields are typed by one person in one mood, so not treated as independent evidence).
    const z = parts.reduce((s, p) => s + p.keys * normalQuantile(1 - Math.max(1e-12, p.tail)), 0) / keys;
    const tail = normalTail(z);
    // cold profiles are lenient: the target shrinks with the trusted logins still missing
    const logins = Math.min(...parts.map((p) => p.logins));
    const target = policy.typing.falseChallengeRate * Math.min(1, logins / CALIBRATION_WARM_LOGINS);
    const unusual = tail <= target;
    if (unusual) {
      const depth = Math.min(1, Math.log10(target / Math.max(tail, 1e-12)) / 2);
      const max = trustedDevice ? TYPING_UNUSUAL_TRUSTED_DEVICE_MAX_RISK : TYPING_UNUSUAL_MAX_RISK;
      risk = Math.max(risk, TYPING_UNUSUAL_RISK + (max - TYPING_UNUSUAL_RISK) * depth);
    }
    risk = Math.min(risk, TYPING_EVIDENCE_MAX_RISK);
    if (risk > 0) {
      const where = unfamiliar
        ? { key: 'where.onNewDevice' as const }
        : trustedDevice
          ? { key: 'where.onTrustedDevice' as const }
          : '';
      const fields = parts.map((p) => ({
        key: 'typing.field' as const,
        params: { role: { key: `role.${p.role}` as const }, anomaly: p.anomaly.toFixed(2) },
      }));
      const odds: ReasonDetail = tail > 0 ? formatOdds(1 / tail) : { key: 'typing.oddsNone' };
      evidence.push({
        code: 'TYPING_MISMATCH',
        category: 'takeover',
        risk: Math.round(1000 * risk) / 1000,
        detail: {
          key: 'typing.mismatch',
          params: {
            score: typing.toFixed(2),
            fields,
            where,
            unusual: unusual ? { key: 'typing.unusual', params: { odds } } : '',
          },
        },
      });
    }
    return { evidence, scores: { typing } };
  },
};

function formatOdds(x: number): ReasonDetail {
  if (!Number.isFinite(x) || x >= 1e6) return { key: 'typing.oddsMillion' };
  return { key: 'typing.odds', params: { n: x >= 100 ? Math.round(x / 10) * 10 : Math.max(1, Math.round(x)) } };
}

function noBehaviour(field: FieldTyping | undefined): ReasonDetail | null {
  if (!field) return { key: 'typing.noPasswordField' };
  if (field.autofilled) return { key: 'typing.autofilled' };
  if (field.pasted) return { key: 'typing.pasted' };
  if (!Array.isArray(field.keys) || field.keys.length === 0 || !keyTimingsFromField(field.keys)) {
    return { key: 'typing.noKeys' };
  }
  return null;
}
