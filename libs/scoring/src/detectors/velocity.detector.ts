import type { Evidence } from '../engine/types';
import type { Detector } from './detector';

// Failed logins in a window. Escalates to a challenge, never a hard lock-out on its own: an
// attacker must not be able to lock the real user out by failing on purpose.
export const velocityDetector: Detector = {
  name: 'velocity',
  run({ velocity, policy }) {
    const evidence: Evidence[] = [];
    const { accountFailures, accountDeviceFailures, windowMinutes } = policy.bruteForce;
    if (velocity.accountDeviceFailures >= accountDeviceFailures) {
      evidence.push({
        code: 'BRUTE_FORCE',
        category: 'takeover',
        risk: Math.min(0.75, 0.45 + 0.05 * (velocity.accountDeviceFailures - accountDeviceFailures)),
        detail: `${velocity.accountDeviceFailures} failed logins on this account from this device in ${windowMinutes} min.`,
      });
    } else if (velocity.accountFailures >= accountFailures) {
      evidence.push({
        code: 'BRUTE_FORCE',
        category: 'takeover',
        risk: Math.min(0.6, 0.45 + 0.02 * (velocity.accountFailures - accountFailures)),
        detail: `${velocity.accountFailures} failed logins on this account in ${windowMinutes} min.`,
      });
    }
    return { evidence };
  },
};
