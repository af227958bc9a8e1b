import type { ReasonDetail } from '@kizuki/contract';
import type { ListMatch } from '../types';
import type { Detector } from './detector';

// Deny entries win over allow entries: an analyst's deny is a deliberate stop.
export const listsDetector: Detector = {
  name: 'lists',
  run({ lists }) {
    // one deny entry is enough: allow entries then count for nothing
    const deny = lists.filter((m) => m.list === 'deny');
    const matched = deny.length ? deny : lists;
    return {
      evidence: matched.map((m) =>
        m.list === 'deny'
          ? { code: 'DENYLISTED', category: 'integrity', risk: 1, override: 'deny', detail: describe(m) }
          : { code: 'ALLOWLISTED', category: 'info', risk: 0, override: 'allow', detail: describe(m) },
      ),
    };
  },
};

function describe(m: ListMatch): ReasonDetail {
  return {
    key: m.list === 'deny' ? 'list.deny' : 'list.allow',
    params: {
      kind: { key: `listKind.${m.kind}` },
      value: m.value,
      comment: m.comment ? { key: 'list.comment', params: { text: m.comment } } : '',
    },
  };
}
