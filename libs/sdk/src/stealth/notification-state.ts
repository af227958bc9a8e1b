// Stealth signal: Notification.permission and the Permissions API must tell the same story
// ('default' ↔ 'prompt', 'denied' ↔ 'denied', 'granted' ↔ 'granted'). Headless Chromium denies
// notifications; a stealth script that rewrites one of the two leaves them disagreeing.
export interface NotificationHost {
  Notification?: { permission: string };
  navigator?: { permissions?: { query(d: { name: 'notifications' }): Promise<{ state: string }> } };
}

const SAME: Record<string, string> = { default: 'prompt', denied: 'denied', granted: 'granted' };

/** 'notification_state' when the two disagree, null otherwise (or when either cannot be read). */
export async function notificationState(win: NotificationHost): Promise<string | null> {
  try {
    if (!win.Notification || !win.navigator || !win.navigator.permissions) return null;
    const state = (await win.navigator.permissions.query({ name: 'notifications' })).state;
    const expected = SAME[String(win.Notification.permission)];
    return expected && state && expected !== state ? 'notification_state' : null;
  } catch {
    return null;
  }
}
