import type { FieldTyping, ReasonDetail } from '@kizuki/contract';
import type { Evidence } from '../types';
import type { Detector } from './detector';

export const SIGNUP_RISK = {
  device: 0.45,
  deviceStep: 0.05,
  deviceStrong: 0.85,
  ip: 0.3,
  ipStep: 0.02,
  ipMax: 0.5,
  network: 0.25,
  asn: 0.15,
  disposable: 0.35,
  filled: 0.1,
  filledNoPointer: 0.25,
} as const;

// New-account fraud at registration (multi-accounting, fake sign-ups). A device that opens account
// after account is a farm: DEVICE_MANY_ACCOUNTS, a challenge from the policy's count and strong
// (deny) from its strong count. Many sign-ups behind one IP, /24 or ASN (SIGNUP_VELOCITY) and a
// disposable mailbox (DISPOSABLE_EMAIL) are weaker on their own — a carrier NAT, a campus, a
// privacy-minded person — and challenge only together or with something else. FORM_FILLED: no
// key was typed into the form at all (pasted or filled in); a password manager does that too, so
// it is weak, and weightier when nothing moved a pointer either (a script filling fields).
// Inhuman typing of the new password is BOT_BEHAVIOR (bot.detector.ts), as on a login.
export const signupDetector: Detector = {
  name: 'signup',
  run({ event, velocity, policy, email, bundle }) {
    const evidence: Evidence[] = [];
    if (event.type === 'registration') {
      const p = policy.signup;
      const s = velocity.signup;
      const deviceWin: ReasonDetail =
        p.deviceWindowMinutes % 1440 === 0
          ? { key: 'duration.days', params: { n: p.deviceWindowMinutes / 1440 } }
          : { key: 'duration.minutes', params: { n: p.deviceWindowMinutes } };
      if (s && s.device >= p.deviceAccounts) {
        const strong = s.device >= p.deviceAccountsStrong;
        const risk = strong
          ? SIGNUP_RISK.deviceStrong
          : Math.min(0.8, SIGNUP_RISK.device + SIGNUP_RISK.deviceStep * (s.device - p.deviceAccounts));
        evidence.push({
          code: 'DEVICE_MANY_ACCOUNTS',
          category: 'bot',
          risk: Math.round(1000 * risk) / 1000,
          detail: { key: 'signup.device', params: { accounts: s.device, window: deviceWin } },
        });
      }
      const velocityEvidence = s ? signupVelocity(s, p) : null;
      if (velocityEvidence) evidence.push(velocityEvidence);
      const filled = formFilled(bundle?.typing?.fields, bundle?.pointer);
      if (filled) evidence.push(filled);
    }
    // a registration's address, or the new address of a profile change
    const mailEvent = event.type === 'registration' || (event.changes ?? []).includes('email');
    if (mailEvent && email?.disposable) {
      evidence.push({
        code: 'DISPOSABLE_EMAIL',
        category: 'bot',
        risk: SIGNUP_RISK.disposable,
        detail: { key: 'signup.disposable', params: { domain: email.domain } },
      });
    }
    return { evidence };
  },
};

/** The strongest of the IP, network and ASN sign-up counts past its threshold, as one piece of evidence. */
function signupVelocity(
  s: NonNullable<Parameters<Detector['run']>[0]['velocity']['signup']>,
  p: Parameters<Detector['run']>[0]['policy']['signup'],
): Evidence | null {
  const minutes = p.windowMinutes;
  if (s.ip >= p.ipAccounts) {
    const risk = Math.min(SIGNUP_RISK.ipMax, SIGNUP_RISK.ip + SIGNUP_RISK.ipStep * (s.ip - p.ipAccounts));
    return {
      code: 'SIGNUP_VELOCITY',
      category: 'bot',
      risk: Math.round(1000 * risk) / 1000,
      detail: { key: 'signup.ip', params: { accounts: s.ip, minutes } },
    };
  }
  if (s.network >= p.networkAccounts)
    return {
      code: 'SIGNUP_VELOCITY',
      category: 'bot',
      risk: SIGNUP_RISK.network,
      detail: { key: 'signup.network', params: { accounts: s.network, minutes } },
    };
  if (s.asn >= p.asnAccounts)
    return {
      code: 'SIGNUP_VELOCITY',
      category: 'bot',
      risk: SIGNUP_RISK.asn,
      detail: { key: 'signup.asn', params: { accounts: s.asn, minutes } },
    };
  return null;
}

/** Every field of the form was pasted or filled in, none typed: FORM_FILLED. */
function formFilled(
  fields: FieldTyping[] | undefined,
  pointer: { eventCount?: number; touches?: number } | undefined,
): Evidence | null {
  const list = Array.isArray(fields) ? fields.filter((f) => f && (f.role === 'username' || f.role === 'password')) : [];
  if (list.length === 0) return null;
  const typed = (f: FieldTyping) => Array.isArray(f.keys) && f.keys.some((k) => k && k.c === 'char');
  if (list.some(typed)) return null;
  const moved = (pointer?.eventCount ?? 0) > 0 || (pointer?.touches ?? 0) > 0;
  const how = { key: list.every((f) => f.pasted) ? 'filled.pasted' : 'filled.pastedOrFilled' } as const;
  return {
    code: 'FORM_FILLED',
    category: 'bot',
    risk: moved ? SIGNUP_RISK.filled : SIGNUP_RISK.filledNoPointer,
    detail: { key: moved ? 'signup.filled' : 'signup.filledNoPointer', params: { how } },
  };
}
