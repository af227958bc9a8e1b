import { reasonDetailText } from '@kizuki/contract';
import { assess } from '../engine/engine';
import * as S from '../testing/scenario';
import { identityDetector } from './identity.detector';

const account = S.learnedAccount(S.makePerson(1), 10, ['home'], Date.UTC(2026, 5, 1));
const codes = (accounts: number, leaked: boolean) =>
  identityDetector.run(S.scoringInput({ account, identity: { accounts, leaked } })).evidence.map((e) => e.code);

describe('identity documents', () => {
  it('says nothing for a document behind this account only, or when none was sent', () => {
    expect(codes(1, false)).toEqual([]);
    expect(identityDetector.run(S.scoringInput({ account })).evidence).toEqual([]);
  });

  it('flags a document behind several accounts, more with each account', () => {
    expect(codes(2, false)).toEqual(['DOCUMENT_REUSED']);
    const risk = (n: number) =>
      identityDetector.run(S.scoringInput({ account, identity: { accounts: n, leaked: false } })).evidence[0].risk;
    expect(risk(3)).toBeGreaterThan(risk(2));
    expect(risk(100)).toBe(0.75);
    expect(
      reasonDetailText(
        identityDetector.run(S.scoringInput({ account, identity: { accounts: 3, leaked: false } })).evidence[0].detail,
      ),
    ).toBe('The identity document is behind 3 accounts.');
  });

  it('flags a document on the watch list strongly enough to deny with any other sign', () => {
    expect(codes(1, true)).toEqual(['DOCUMENT_LEAKED']);
    const alone = assess(S.scoringInput({ account, identity: { accounts: 1, leaked: true } }));
    expect(alone.decision).toBe('challenge');
    const reused = assess(S.scoringInput({ account, identity: { accounts: 3, leaked: true } }));
    expect(reused.decision).toBe('deny');
    expect(reused.reasons.map((r) => r.code)).toEqual(['DOCUMENT_LEAKED', 'DOCUMENT_REUSED']);
  });
});
