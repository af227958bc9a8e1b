import type { FieldTyping } from '@kizuki/contract';
import type { ScoringInput } from '../types';
import type { Detector } from './detector';

export const BREACHED_RISK = {
  /** a breached password seen once; each tenfold more appearances adds step, up to base max */
  base: 0.2,
  step: 0.04,
  baseMax: 0.4,
  /** typed key by key: the person at the keyboard knows it (the owner, or whoever bought the combo list) */
  typed: 0.1,
  /** on a device new to an existing account */
  newDevice: 0.15,
  /** filled or pasted (a password manager): far more the owner's habit than an attacker's */
  filledFactor: 0.6,
  /** on a device this account already trusts */
  trustedFactor: 0.5,
  /** never deny on its own (below denyNeedsRisk): the owner reusing a leaked password is common */
  max: 0.55,
} as const;

export type PasswordEntry = 'typed' | 'filled' | 'unknown';

/** How the password field was filled, from the SDK's key timings and flags (never the value). */
export function passwordEntry(field: FieldTyping | undefined): PasswordEntry {
  if (!field) return 'unknown';
  if (field.autofilled || field.pasted) return 'filled';
  const chars = field.keys.filter((k) => k.c === 'char').length;
  if (chars >= 4) return 'typed';
  // input without keys: filled by a manager or the browser, even when not flagged
  return field.inputEvents > 0 && chars === 0 ? 'filled' : 'unknown';
}

/**
 * A password the customer found in the breached-password corpus (credentials.breached). The risk
 * is the replayed-credential story: how known the password is, typed by heart on a device new to
 * the account (an attacker with a combo list) weighs more than filled by a password manager on a
 * device the account trusts (the owner who reused a leaked password).
 */
export const credentialsDetector: Detector = {
  name: 'credentials',
  run({ credentials, bundle, device, account }: ScoringInput) {
    if (!credentials?.breached) return { evidence: [] };
    const count = credentials.breachCount ?? null;
    let risk = Math.min(
      BREACHED_RISK.baseMax,
      BREACHED_RISK.base + BREACHED_RISK.step * Math.log10(Math.max(1, count ?? 1)),
    );
    const entry = passwordEntry(bundle?.typing.fields.find((f) => f.role === 'password'));
    const trusted = !!device && device.knownToAccount && device.status === 'trusted';
    const newDevice = !!device && !device.knownToAccount && !account.isNew;
    if (entry === 'typed') risk += BREACHED_RISK.typed;
    if (newDevice) risk += BREACHED_RISK.newDevice;
    if (entry === 'filled') risk *= BREACHED_RISK.filledFactor;
    if (trusted) risk *= BREACHED_RISK.trustedFactor;
    risk = Math.round(1000 * Math.min(BREACHED_RISK.max, risk)) / 1000;
    // the count as written in both languages (1,234): thousands separators read the same in Japanese
    const times =
      count !== null ? { key: 'credentials.times' as const, params: { count: count.toLocaleString('en-US') } } : '';
    const where = !device ? 'unseenDevice' : trusted ? 'trustedDevice' : newDevice ? 'newDevice' : 'thisDevice';
    return {
      evidence: [
        {
          code: 'BREACHED_PASSWORD',
          category: 'takeover',
          risk,
          detail: {
            key: 'credentials.breached',
            params: {
              times,
              how: { key: entry === 'unknown' ? 'entry.entered' : `entry.${entry}` },
              where: { key: `where.${where}` },
            },
          },
        },
      ],
    };
  },
};
