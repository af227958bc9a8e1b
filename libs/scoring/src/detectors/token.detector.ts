import type { Detector } from './detector';

// A login without a valid SDK token has no behaviour to judge: that alone asks for a challenge
// (the SDK may be blocked), a forged or replayed token is stronger evidence of a scripted attack.
export const tokenDetector: Detector = {
  name: 'token',
  run({ token }) {
    switch (token.state) {
      case 'valid':
        return { evidence: [] };
      case 'missing':
        return {
          evidence: [
            {
              code: 'TOKEN_MISSING',
              category: 'integrity',
              risk: 0.45,
              detail: token.detail ?? 'No request token: the SDK did not run or was blocked.',
            },
          ],
        };
      case 'invalid':
        return {
          evidence: [
            {
              code: 'TOKEN_INVALID',
              category: 'integrity',
              risk: 0.6,
              detail: token.detail ?? 'The request token is forged, expired or belongs to another tenant.',
            },
          ],
        };
      case 'replayed':
        return {
          evidence: [
            {
              code: 'TOKEN_REPLAYED',
              category: 'integrity',
              risk: 0.85,
              detail: token.detail ?? 'The request token was already used by another login.',
            },
          ],
        };
    }
  },
};
