import type { DeviceHistory } from '../types';

/**
 * Whether the account has seen this device and something on it vouched for the owner (a login allowed, or a challenge
 * passed). A device whose logins on the account were all denied, left at their challenge or had a wrong password
 * is still unfamiliar: else a thief's second try from the same device would read as the owner's.
 */
export function familiarToAccount(device: DeviceHistory): boolean {
  return device.knownToAccount && device.status !== 'new' && device.status !== 'pending' && device.status !== 'fraud';
}
