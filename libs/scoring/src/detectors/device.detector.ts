import { familiarToAccount } from '../device/familiarity';
import { inputModality, typedModalities } from '../modality';
import type { Evidence } from '../types';
import type { Detector } from './detector';

export const DEVICE_RISK = {
  newUser: 0.1,
  newDevice: 0.25,
  /**
   * A device new to the account that is also its first of a kind: typed on a touch keyboard when
   * the account has only ever typed on a physical one (or the reverse). No typing profile of that
   * modality can vouch for it and another person's phone looks the same, so it is a challenge on
   * its own — paid once by the owner on a first phone (bench/mobile-typing.ts, docs/mobile.md).
   */
  newDeviceNewModality: 0.45,
  fraud: 0.9,
  sharedBase: 0.15,
  sharedStep: 0.03,
  sharedMax: 0.45,
} as const;

// Account and device familiarity: a first login is information, a new device on an existing
// account is the classic sign of a takeover, a device reported as fraud is close to proof, and a
// device many accounts log in from is either a shared computer or an attacker's. A new device that
// is also the account's first of its typing modality (a first phone) has nothing to vouch for it.
// A registration opens a new account on a device new to it by definition: only a device reported
// as fraud counts there (accounts opened per device are DEVICE_MANY_ACCOUNTS, signup.detector.ts).
export const deviceDetector: Detector = {
  name: 'device',
  run({ account, device, policy, event, bundle }) {
    const evidence: Evidence[] = [];
    if (event.type === 'registration') {
      if (device?.status === 'fraud')
        evidence.push({
          code: 'NEW_DEVICE',
          category: 'takeover',
          risk: DEVICE_RISK.fraud,
          detail: { key: 'device.fraud' },
        });
      return { evidence };
    }
    if (account.isNew) {
      evidence.push({
        code: 'NEW_USER',
        category: 'info',
        risk: DEVICE_RISK.newUser,
        detail: { key: 'device.firstLogin' },
      });
    }
    if (!device) return { evidence };
    if (device.status === 'fraud') {
      evidence.push({
        code: 'NEW_DEVICE',
        category: 'takeover',
        risk: DEVICE_RISK.fraud,
        detail: { key: 'device.fraud' },
      });
    } else if (familiarToAccount(device)) {
      const fuzzy = !device.fuzzyMatch
        ? ''
        : device.similarity
          ? { key: 'device.fuzzyAlike' as const, params: { percent: Math.round(100 * device.similarity) } }
          : { key: 'device.fuzzy' as const };
      evidence.push({
        code: 'KNOWN_DEVICE',
        category: 'info',
        risk: 0,
        detail: { key: 'device.known', params: { status: { key: `deviceStatus.${device.status}` }, fuzzy } },
      });
    } else if (!account.isNew) {
      const modality = inputModality(bundle).typing;
      const typed = typedModalities(account.typingProfile);
      const firstOfKind = !!modality && typed.length > 0 && !typed.includes(modality);
      evidence.push({
        code: 'NEW_DEVICE',
        category: 'takeover',
        risk: firstOfKind ? DEVICE_RISK.newDeviceNewModality : DEVICE_RISK.newDevice,
        detail: firstOfKind
          ? {
              key: 'device.newModality',
              params: {
                modality: { key: `modality.${modality}` },
                others: typed.map((m) => ({ key: `modality.${m}` as const })),
              },
            }
          : device.knownToAccount
            ? { key: 'device.seenNotTrusted' }
            : { key: 'device.new' },
      });
    }
    const n = device.accountsSeen;
    if (device.status !== 'fraud' && n >= policy.device.sharedAccounts) {
      const base = Math.min(
        DEVICE_RISK.sharedMax,
        DEVICE_RISK.sharedBase + DEVICE_RISK.sharedStep * (n - policy.device.sharedAccounts),
      );
      // A device this account already trusts is a family / office computer more than an attacker's.
      const risk = Math.round(1000 * (device.knownToAccount && device.status !== 'new' ? base / 3 : base)) / 1000;
      evidence.push({
        code: 'DEVICE_SHARED',
        category: 'takeover',
        risk,
        detail: { key: 'device.shared', params: { accounts: n } },
      });
    }
    return { evidence };
  },
};
