import { TYPING_INCOMPARABLE } from './typing-model';

/**
 * Maps a typingAnomaly onto 0..1, the value answered as `scores.typing`.
 *
 * Calibration (CMU DSL-StrongPasswordData, 51 subjects, genuine = sessions 5-8 of the subject,
 * impostors = first 5 reps of the 50 others): the anomaly at which a subject's false-reject and
 * false-accept rates are equal (its EER threshold) has a median of about
 *   2.88 (profile of 5 samples), 2.52 (10), 2.39 (20), 2.25 (50), 2.30 (rolling 50 most recent),
 * i.e. roughly 2.15 + 3.6 / samples, and an inter-quartile range of about ±0.2 around it.
 * The mapping is a logistic centred on that threshold (risk 0.5 there) with a width of 0.25, so
 * the middle half of the subjects' thresholds maps to about 0.3-0.7; a genuine login (median
 * anomaly 1.2-1.9) maps below ~0.2 and a typical impostor (median 3.3) above ~0.95.
 *
 * profileSamples: the number of samples behind the profile (more samples, tighter profile, lower
 * threshold); defaults to 20. An incomparable anomaly (TYPING_INCOMPARABLE) maps to 1, but callers
 * should rather check typingComparable and treat that case as "no typing signal".
 */
export function typingRisk(anomaly: number, profileSamples = 20): number {
  if (Number.isNaN(anomaly)) return 1;
  if (anomaly >= TYPING_INCOMPARABLE) return 1;
  const threshold = typingThreshold(profileSamples);
  const r = 1 / (1 + Math.exp(-(anomaly - threshold) / 0.25));
  return Math.min(1, Math.max(0, r));
}

/** The anomaly at which typingRisk is 0.5 for a profile fitted on this many samples. */
export function typingThreshold(profileSamples = 20): number {
  const n = Number.isFinite(profileSamples) && profileSamples >= 1 ? Math.min(profileSamples, 200) : 20;
  return 2.15 + 3.6 / n;
}
