import type { Evidence } from '../types';
import type { Detector } from './detector';

export const STUFFING_RISK = { ip: 0.5, ipMax: 0.7, device: 0.5, deviceStrong: 0.85, asn: 0.3 } as const;

// Sliding-window counters (Redis, shared by all workers). Never a hard lock-out on its own: an
// attacker must not be able to lock the real user out by failing on purpose, so BRUTE_FORCE and
// CREDENTIAL_STUFFING from an IP escalate to a challenge; deny needs them together with other
// strong evidence (a bot, a replayed token), or one device cycling through many accounts.
// Many accounts behind one IP alone (an office or carrier NAT) is not stuffing: the IP's logins
// must also be mostly failures.
export const velocityDetector: Detector = {
  name: 'velocity',
  run({ velocity, policy, event }) {
    const evidence: Evidence[] = [];
    // a new account has no password to guess; sign-up counts are signup.detector.ts's
    if (event.type === 'registration') return { evidence };
    const { accountFailures, accountDeviceFailures, windowMinutes } = policy.bruteForce;
    if (velocity.accountDeviceFailures >= accountDeviceFailures) {
      evidence.push({
        code: 'BRUTE_FORCE',
        category: 'takeover',
        risk: Math.min(0.75, 0.45 + 0.05 * (velocity.accountDeviceFailures - accountDeviceFailures)),
        detail: {
          key: 'velocity.bruteForceDevice',
          params: { failures: velocity.accountDeviceFailures, minutes: windowMinutes },
        },
      });
    } else if (velocity.accountFailures >= accountFailures) {
      evidence.push({
        code: 'BRUTE_FORCE',
        category: 'takeover',
        risk: Math.min(0.6, 0.45 + 0.02 * (velocity.accountFailures - accountFailures)),
        detail: { key: 'velocity.bruteForce', params: { failures: velocity.accountFailures, minutes: windowMinutes } },
      });
    }
    const s = policy.stuffing;
    const minutes = s.windowMinutes;
    if (velocity.deviceAccounts >= s.deviceAccountsStrong) {
      evidence.push({
        code: 'CREDENTIAL_STUFFING',
        category: 'bot',
        risk: STUFFING_RISK.deviceStrong,
        detail: { key: 'velocity.stuffingDevice', params: { accounts: velocity.deviceAccounts, minutes } },
      });
    } else if (velocity.deviceAccounts >= s.deviceAccounts) {
      evidence.push({
        code: 'CREDENTIAL_STUFFING',
        category: 'bot',
        risk: STUFFING_RISK.device,
        detail: { key: 'velocity.stuffingDevice', params: { accounts: velocity.deviceAccounts, minutes } },
      });
    }
    const ipLogins = Math.max(velocity.ipLogins ?? 0, velocity.ipFailures, 1);
    const ipRatio = velocity.ipFailures / ipLogins;
    if (velocity.ipAccounts >= s.ipAccounts && velocity.ipFailures >= s.ipFailures && ipRatio >= s.ipFailureRatio) {
      const risk = Math.min(STUFFING_RISK.ipMax, STUFFING_RISK.ip + 0.01 * (velocity.ipAccounts - s.ipAccounts));
      evidence.push({
        code: 'CREDENTIAL_STUFFING',
        category: 'bot',
        risk: Math.round(1000 * risk) / 1000,
        detail: {
          key: 'velocity.stuffingIp',
          params: { accounts: velocity.ipAccounts, minutes, percent: Math.round(100 * ipRatio), logins: ipLogins },
        },
      });
    }
    const asnLogins = Math.max(velocity.asnLogins ?? 0, velocity.asnFailures ?? 0, 1);
    const asnRatio = (velocity.asnFailures ?? 0) / asnLogins;
    if (velocity.asnAccounts >= s.asnAccounts && asnRatio >= s.asnFailureRatio) {
      evidence.push({
        code: 'CREDENTIAL_STUFFING',
        category: 'bot',
        risk: STUFFING_RISK.asn,
        detail: {
          key: 'velocity.stuffingAsn',
          params: { accounts: velocity.asnAccounts, minutes, percent: Math.round(100 * asnRatio) },
        },
      });
    }
    return { evidence };
  },
};
