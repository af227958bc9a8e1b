// GET /v1/users/:userId/devices: the devices an account has logged in from.

export interface UserDevice {
  id: string;
  status: 'new' | 'pending' | 'trusted' | 'fraud';
  logins: number;
  firstSeenAt: string;
  lastSeenAt: string;
}
