import type { ProfileChange } from '@kizuki/contract';
import type { Evidence, RecentLogin } from '../types';
import type { Detector } from './detector';

/** The changes that hand the account to whoever makes them: its recovery channels and second factor. */
export const RECOVERY_CHANGES: readonly ProfileChange[] = ['email', 'phone', 'mfa'];

export const ACCOUNT_CHANGE_RISK = { cashout: 0.5, flaggedLogin: 0.65 } as const;

// Takeover cash-out: an intruder who got in changes the e-mail, phone or second factor at once, so
// that the owner cannot recover the account. A recovery change within the policy's window after a
// succeeded login from a device new to the account, made from that device (or another the account
// does not know), is TAKEOVER_CASHOUT: more than the login (NEW_DEVICE) or the change alone, and
// more again when that login was itself challenged or denied. A login whose challenge was passed,
// or that an analyst marked legit, vouches for its session.
export const accountChangeDetector: Detector = {
  name: 'accountChange',
  run({ event, account, device, policy, now }) {
    const evidence: Evidence[] = [];
    if (event.type !== 'profile_update') return { evidence };
    const recovery = (event.changes ?? []).filter((c) => RECOVERY_CHANGES.includes(c));
    if (recovery.length === 0) return { evidence };
    const windowMs = policy.accountChange.windowMinutes * 60_000;
    const login = (account.recentLogins ?? []).find((l) => sessionOfIntruder(l, device, now, windowMs));
    if (!login) return { evidence };
    const flagged = login.decision !== 'allow';
    const minutes = Math.max(0, Math.round((now - login.at) / 60_000));
    evidence.push({
      code: 'TAKEOVER_CASHOUT',
      category: 'takeover',
      risk: flagged ? ACCOUNT_CHANGE_RISK.flaggedLogin : ACCOUNT_CHANGE_RISK.cashout,
      detail: {
        key: 'accountChange.cashout',
        params: {
          changes: recovery.map((c) => ({ key: `change.${c}` as const })),
          minutes,
          flag: login.decision === 'allow' ? '' : { key: `flag.${login.decision}` },
        },
      },
    });
    return { evidence };
  },
};

function sessionOfIntruder(
  l: RecentLogin,
  device: Parameters<Detector['run']>[0]['device'],
  now: number,
  windowMs: number,
): boolean {
  if (!l.newDevice || l.at > now || now - l.at > windowMs) return false;
  if (l.label === 'challenge_passed' || l.label === 'legit') return false;
  // without SDK signals on the change, the login's session is the one there is
  if (!device) return true;
  return device.id === l.deviceId || !device.knownToAccount || device.status === 'new';
}
