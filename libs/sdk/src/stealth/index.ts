// Stealth signals: what the browser claims against what it is, each in its own file. Every check
// is pure over a window-like object, cheap, and never throws; the names go into
// bundle.automation.stealth and each gets its own reason detail in the scoring engine.
import { chromeObject, type ChromeHost } from './chrome-object';
import { notificationState, type NotificationHost } from './notification-state';
import { patchedGetters, type GetterHost } from './patched-getters';
import { uaPlatform, type UaHost } from './ua-platform';

export type StealthHost = GetterHost & NotificationHost & ChromeHost & UaHost;

export async function stealthSignals(win: StealthHost): Promise<string[]> {
  const out = [...patchedGetters(win), ...uaPlatform(win)];
  const chrome = chromeObject(win);
  if (chrome) out.push(chrome);
  const notification = await notificationState(win);
  if (notification) out.push(notification);
  return out;
}
