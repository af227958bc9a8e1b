import type { Evidence } from '../engine/types';
import type { Detector } from './detector';

// Account and device familiarity: a first login is information, a new device on an existing
// account is the classic sign of a takeover, a device reported as fraud is close to proof.
export const deviceDetector: Detector = {
  name: 'device',
  run({ account, device }) {
    const evidence: Evidence[] = [];
    if (account.isNew) {
      evidence.push({ code: 'NEW_USER', category: 'info', risk: 0.1, detail: 'First login seen for this account.' });
    }
    if (!device) return { evidence };
    if (device.status === 'fraud') {
      evidence.push({ code: 'NEW_DEVICE', category: 'takeover', risk: 0.9, detail: 'This device was reported as fraudulent.' });
    } else if (device.knownToAccount) {
      evidence.push({
        code: 'KNOWN_DEVICE',
        category: 'info',
        risk: 0,
        detail: `Device seen on this account before (${device.status}${device.fuzzyMatch ? ', matched after a browser change' : ''}).`,
      });
    } else if (!account.isNew) {
      evidence.push({ code: 'NEW_DEVICE', category: 'takeover', risk: 0.25, detail: 'This account has never logged in from this device.' });
    }
    return { evidence };
  },
};
