import type { Evidence, TokenState } from '../types';
import type { Detector } from './detector';

// A login without a valid SDK token has no behaviour to judge: that alone asks for a challenge
// (the SDK may be blocked), a forged or replayed token is stronger evidence of a scripted attack.
const BY_STATE: Record<Exclude<TokenState, 'valid'>, Pick<Evidence, 'code' | 'risk' | 'detail'>> = {
  missing: { code: 'TOKEN_MISSING', risk: 0.45, detail: 'No request token: the SDK did not run or was blocked.' },
  invalid: {
    code: 'TOKEN_INVALID',
    risk: 0.6,
    detail: 'The request token is forged, expired or belongs to another tenant.',
  },
  replayed: { code: 'TOKEN_REPLAYED', risk: 0.85, detail: 'The request token was already used by another login.' },
};

export const tokenDetector: Detector = {
  name: 'token',
  run({ token }) {
    if (token.state === 'valid') return { evidence: [] };
    const e = BY_STATE[token.state];
    return { evidence: [{ ...e, category: 'integrity', detail: token.detail ?? e.detail }] };
  },
};
