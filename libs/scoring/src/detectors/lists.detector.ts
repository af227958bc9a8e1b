import type { Detector } from './detector';

// Deny entries win over allow entries: an analyst's deny is a deliberate stop.
export const listsDetector: Detector = {
  name: 'lists',
  run({ lists }) {
    const deny = lists.filter((m) => m.list === 'deny');
    if (deny.length) {
      return {
        evidence: deny.map((m) => ({
          code: 'DENYLISTED' as const,
          category: 'integrity' as const,
          risk: 1,
          override: 'deny' as const,
          detail: describe('deny', m.kind, m.value, m.comment),
        })),
      };
    }
    return {
      evidence: lists.map((m) => ({
        code: 'ALLOWLISTED' as const,
        category: 'info' as const,
        risk: 0,
        override: 'allow' as const,
        detail: describe('allow', m.kind, m.value, m.comment),
      })),
    };
  },
};

function describe(list: string, kind: string, value: string, comment: string | null): string {
  return `The ${kind} ${value} is on the ${list} list${comment ? ` (${comment})` : ''}.`;
}
