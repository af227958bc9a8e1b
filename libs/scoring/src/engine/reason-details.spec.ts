import { REASON_DETAIL_EN, templateParams, type ReasonDetail, type ReasonDetailParam } from '@kizuki/contract';
import * as S from '../testing/scenario';
import { assess } from './engine';
import type { Reason } from '../reasons';

// Every detail the engine gives is a known key whose parameters are exactly those its template uses,
// nested parts included: nothing a translation could drop, nothing it would leave as {name}.
function problems(d: ReasonDetail, where: string): string[] {
  const template = (REASON_DETAIL_EN as Record<string, string>)[d.key];
  if (template === undefined) return [`${where}: unknown key ${d.key}`];
  const wanted = templateParams(template).sort();
  const given = Object.keys(d.params ?? {}).sort();
  const out = wanted.join() === given.join() ? [] : [`${where} ${d.key}: params ${given} for {${wanted}}`];
  for (const [name, v] of Object.entries(d.params ?? {})) out.push(...nested(v, `${where} ${d.key}.${name}`));
  return out;
}
function nested(v: ReasonDetailParam, where: string): string[] {
  if (typeof v === 'string' || typeof v === 'number') return [];
  return Array.isArray(v) ? v.flatMap((p) => problems(p, where)) : problems(v, where);
}
const check = (reasons: Reason[]) =>
  reasons
    .flatMap((r) => problems({ key: r.detailKey, params: r.params }, r.code))
    .concat(
      reasons.filter((r) => r.detail === r.detailKey || /\{\w+\}/.test(r.detail)).map((r) => `${r.code}: ${r.detail}`),
    );

describe('reason details the engine gives', () => {
  const owner = S.makePerson(3);
  const account = S.learnedAccount(owner, 12, ['laptop-1'], Date.UTC(2026, 4, 31, 23));
  const base = S.scoringInput({ account });

  it('name a template key and exactly its parameters, on a busy attack and on a quiet login', () => {
    const attack = assess(
      S.scoringInput({
        account: { ...account, lastLogin: { at: base.now - 3_600_000, country: 'JP', lat: 35.68, lon: 139.69 } },
        bundle: S.botBundle('bot-1', { webdriver: true }),
        device: { ...S.newDevice('bot-1'), accountsSeen: 9 },
        network: {
          ...base.network,
          ip: '185.220.101.1',
          country: 'DE',
          lat: 52.5,
          lon: 13.4,
          asn: 16509,
          tor: true,
          datacenter: true,
        },
        velocity: { ...base.velocity, accountFailures: 9, deviceAccounts: 30, ipAccounts: 40, ipFailures: 38 },
        lists: [{ list: 'deny', kind: 'asn', value: '16509', comment: 'from the console' }],
        token: { state: 'invalid', detail: { key: 'token.expired' } },
      }),
    );
    expect(attack.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        'DENYLISTED',
        'TOKEN_INVALID',
        'TOR_EXIT',
        'DATACENTER_IP',
        'IMPOSSIBLE_TRAVEL',
        'BOT_BEHAVIOR',
      ]),
    );
    expect(check(attack.reasons)).toEqual([]);
    const quiet = assess(
      S.scoringInput({ account, bundle: S.humanBundle(owner, 'laptop-1', 40), device: S.knownDevice('laptop-1') }),
    );
    expect(check(quiet.reasons)).toEqual([]);
  });
});
