import type { Evidence, ScoringInput } from '../types';
import type { Detector } from './detector';

export const DOCUMENT_RISK = {
  /** on the tenant's watch list of leaked documents: deny-capable on its own (≥ denyNeedsRisk) */
  leaked: 0.7,
  /** behind 2 accounts; each further account adds step, up to max */
  reusedBase: 0.35,
  reusedStep: 0.1,
  reusedMax: 0.75,
} as const;

/**
 * The verified ID document behind the account (identity.documentHash): one document behind
 * several accounts is multi-accounting or a stolen identity reused; a document on the tenant's
 * list of leaked ones (its own incident list) was verified from a copy criminals hold.
 */
export const identityDetector: Detector = {
  name: 'identity',
  run({ identity }: ScoringInput) {
    const evidence: Evidence[] = [];
    if (!identity) return { evidence };
    if (identity.leaked) {
      evidence.push({
        code: 'DOCUMENT_LEAKED',
        category: 'integrity',
        risk: DOCUMENT_RISK.leaked,
        detail: { key: 'identity.leaked' },
      });
    }
    if (identity.accounts >= 2) {
      const risk = Math.min(
        DOCUMENT_RISK.reusedMax,
        DOCUMENT_RISK.reusedBase + DOCUMENT_RISK.reusedStep * (identity.accounts - 2),
      );
      evidence.push({
        code: 'DOCUMENT_REUSED',
        category: 'integrity',
        risk: Math.round(1000 * risk) / 1000,
        detail: { key: 'identity.reused', params: { accounts: identity.accounts } },
      });
    }
    return { evidence };
  },
};
