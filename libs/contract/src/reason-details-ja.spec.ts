import { REASON_DETAIL_EN, reasonDetailText, templateParams } from './reason-details';
import type { RiskReason } from './risk';
import { REASON_DETAIL_JA, reasonDetail } from './reason-details-ja';

// Technical names a Japanese analyst reads as they are (APIs, protocols, products).
const NAMES_KEPT_IN_JA =
  /navigator\.(webdriver|languages|plugins|platform)|Notification\.permission|Permissions API|window\.chrome|User-Agent|isTrusted false|getter|WebGL|Direct3D|Metal|SwiftShader|llvmpipe|DevTools|Chrome|Kizuki|Tor|SDK|OS|IP|ASN|AS|CIDR|km|ms/g;

describe('reason details in English and Japanese', () => {
  const keys = Object.keys(REASON_DETAIL_EN) as (keyof typeof REASON_DETAIL_EN)[];

  it('has a Japanese template for every English one and no other', () => {
    expect(Object.keys(REASON_DETAIL_JA).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(REASON_DETAIL_JA[k].trim()).not.toBe('');
  });

  it('uses every parameter of a key in both languages', () => {
    const differ = keys.filter(
      (k) => templateParams(REASON_DETAIL_EN[k]).sort().join() !== templateParams(REASON_DETAIL_JA[k]).sort().join(),
    );
    expect(differ).toEqual([]);
  });

  it('leaves no English word in a Japanese template beyond technical names', () => {
    const english = keys
      .map((k) => [k, REASON_DETAIL_JA[k].replace(/\{\w+\}/g, '').replace(NAMES_KEPT_IN_JA, '')] as const)
      .filter(([, t]) => /[A-Za-z]{2,}/.test(t))
      .map(([k]) => k);
    expect(english).toEqual([]);
  });

  it('words nested parts and lists in the UI language', () => {
    const r: RiskReason = {
      code: 'TYPING_MISMATCH',
      detail: '',
      detailKey: 'typing.mismatch',
      params: {
        score: '0.83',
        fields: [
          { key: 'typing.field', params: { role: { key: 'role.password' }, anomaly: '0.91' } },
          { key: 'typing.field', params: { role: { key: 'role.username' }, anomaly: '0.50' } },
        ],
        where: { key: 'where.onNewDevice' },
        unusual: '',
      },
    };
    expect(reasonDetail(r, 'en')).toBe(
      "Typing rhythm departs from the account's profile " +
        '(typing score 0.83; password anomaly 0.91, username anomaly 0.50, on a device new to the account).',
    );
    expect(reasonDetail(r, 'ja')).toBe(
      'タイピングのリズムがアカウントのプロファイルと異なります' +
        '（タイピングスコア0.83、パスワードの異常度0.91、ユーザー名の異常度0.50）。このアカウントでは初めての端末です。',
    );
    expect(reasonDetailText({ key: 'network.tor', params: { ip: '203.0.113.9' } })).toBe(
      '203.0.113.9 is a Tor exit node.',
    );
  });

  it('shows an old row without a key in English only, and a key with a missing parameter as the stored text', () => {
    const old: RiskReason = { code: 'NEW_DEVICE', detail: 'This account has never logged in from this device.' };
    expect(reasonDetail(old, 'en')).toBe(old.detail);
    expect(reasonDetail(old, 'ja')).toBeNull();
    const partial: RiskReason = { code: 'DEVICE_SHARED', detail: '3 accounts …', detailKey: 'device.shared' };
    expect(reasonDetail(partial, 'en')).toBe('3 accounts …');
    expect(reasonDetail(partial, 'ja')).toBeNull();
  });
});
