import type { Evidence, TokenState } from '../types';
import type { Detector } from './detector';

// A login without a valid SDK token has no behaviour to judge: that alone asks for a challenge
// (the SDK may be blocked), a forged or replayed token is stronger evidence of a scripted attack.
const BY_STATE: Record<Exclude<TokenState, 'valid'>, Pick<Evidence, 'code' | 'risk' | 'detail'>> = {
  missing: { code: 'TOKEN_MISSING', risk: 0.45, detail: { key: 'token.missing' } },
  invalid: { code: 'TOKEN_INVALID', risk: 0.6, detail: { key: 'token.invalid' } },
  replayed: { code: 'TOKEN_REPLAYED', risk: 0.85, detail: { key: 'token.replayed' } },
};

export const tokenDetector: Detector = {
  name: 'token',
  run({ token }) {
    if (token.state === 'valid') return { evidence: [] };
    const e = BY_STATE[token.state];
    return { evidence: [{ ...e, category: 'integrity', detail: token.detail ?? e.detail }] };
  },
};
