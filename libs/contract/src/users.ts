// GET /v1/users/:userId/devices: the devices an account has logged in from.

export const USER_DEVICE_STATUSES = ['new', 'pending', 'trusted', 'fraud'] as const;

export interface UserDevice {
  id: string;
  status: (typeof USER_DEVICE_STATUSES)[number];
  logins: number;
  firstSeenAt: string;
  lastSeenAt: string;
}
