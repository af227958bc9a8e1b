// Per-account calibration of the typing anomaly (docs/scoring-typing.md, "Per-account calibration").
//
// A fixed cut on typingRisk is the equal-error point of the *average* CMU subject; a steady typist's
// intruder and an erratic typist's own bad day both land near it. So each profile keeps the anomalies
// of its own trusted logins, each scored before that login was learned (leave-one-out), as log values.
// A new anomaly is then judged against that distribution: its one-sided tail probability under the
// posterior predictive of a normal model with a conjugate (normal-inverse-χ²) population prior, i.e. a
// Student t whose width shrinks as trusted logins accrue. Few logins: wide t, lenient; many: tight.
//
// Bounded learning: only trusted outcomes add values (the same path as the profile itself), at most
// CALIBRATION_MAX most recent are kept, each added value is capped at the population's equal-error
// anomaly, and the predictive centre and spread are capped too, so no sequence of trusted logins can
// make an account accept what the population model calls another person.
import { TYPING_INCOMPARABLE } from './typing-model';
import { typingThreshold } from './typing-risk';

/** Trusted-login anomalies kept per field (most recent last). */
export const CALIBRATION_MAX = 40;

/**
 * Population prior on the log anomaly of a person's own logins (chosen on even-numbered CMU subjects,
 * bench/typing-calibration.ts): centre mu0 with the weight of kappa0 logins, spread sigma0 with the
 * weight of nu0 logins. sigmaMax caps the predictive spread and the centre never exceeds the log of
 * the population equal-error anomaly.
 */
export const CALIBRATION_PRIOR = { mu0: 0.35, kappa0: 20, sigma0: 0.25, nu0: 30, sigmaMax: 0.45 } as const;

/** Trusted logins at which the full tenant target applies; below it the target shrinks in proportion (cold). */
export const CALIBRATION_WARM_LOGINS = 10;

export interface TypingCalibration {
  /** trusted logins behind the calibration */
  n: number;
  /** predictive centre and scale of the log anomaly, degrees of freedom */
  mu: number;
  scale: number;
  dof: number;
}

/** The value a trusted login adds to the calibration: its log anomaly, capped (bounded learning). */
export function calibrationValue(anomaly: number, profileSamples: number): number | null {
  if (!Number.isFinite(anomaly) || anomaly <= 0 || anomaly >= TYPING_INCOMPARABLE) return null;
  return Math.min(Math.log(anomaly), Math.log(typingThreshold(profileSamples)));
}

/** Appends a value, keeping the CALIBRATION_MAX most recent. Never mutates its input. */
export function addCalibrationValue(values: readonly number[] | undefined, value: number | null): number[] {
  const list = Array.isArray(values) ? [...values] : [];
  if (value === null || !Number.isFinite(value)) return list;
  return [...list, Math.round(value * 1e4) / 1e4].slice(-CALIBRATION_MAX);
}

/** Posterior predictive of the log anomaly for an account with these trusted-login values. */
export function typingCalibration(values: readonly number[] | undefined, profileSamples: number): TypingCalibration {
  const P = CALIBRATION_PRIOR;
  const xs = (values ?? []).filter(Number.isFinite);
  const n = xs.length;
  const mean = n ? xs.reduce((s, x) => s + x, 0) / n : 0;
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  const kappa = P.kappa0 + n;
  const mu = n ? (P.kappa0 * P.mu0 + n * mean) / kappa : P.mu0;
  const dof = P.nu0 + n;
  const variance = (P.nu0 * P.sigma0 ** 2 + ss + (P.kappa0 * n * (mean - P.mu0) ** 2) / kappa) / dof;
  const sigma = Math.min(P.sigmaMax, Math.sqrt(variance));
  return {
    n,
    mu: Math.min(mu, Math.log(typingThreshold(profileSamples))),
    scale: sigma * Math.sqrt(1 + 1 / kappa),
    dof,
  };
}

/**
 * How unusual an anomaly is for this account: the probability that one of the owner's own logins is
 * at least this anomalous (0..1; small = unusual). TYPING_INCOMPARABLE or NaN: 0.
 */
export function typingTail(calibration: TypingCalibration, anomaly: number): number {
  if (!Number.isFinite(anomaly) || anomaly >= TYPING_INCOMPARABLE) return 0;
  if (anomaly <= 0) return 1;
  const t = (Math.log(anomaly) - calibration.mu) / calibration.scale;
  return studentTail(t, calibration.dof);
}

/** P(T ≥ t) for Student's t with dof degrees of freedom. */
export function studentTail(t: number, dof: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  const x = dof / (dof + t * t);
  const half = 0.5 * incompleteBeta(x, dof / 2, 0.5);
  return t >= 0 ? half : 1 - half;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155211439];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** P(Z ≥ z) for a standard normal (erfc, W. J. Cody's rational form via Numerical Recipes' erfcc). */
export function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? y : 2 - y;
  return erfc / 2;
}

// Regularised incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes, betai / betacf).
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 200; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return h;
}

function lnGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9)
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let a = g[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += g[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
