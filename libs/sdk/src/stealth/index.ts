// Stealth signals: what the browser claims against what it is, each in its own file. Every check
// is pure over a window-like object, cheap, and never throws; the names go into
// bundle.automation.stealth and each gets its own reason detail in the scoring engine.
// first-input.ts and pointer-while-typing.ts watch the input events instead (AutomationSource).
import { cdpRuntime, type CdpHost } from './cdp-runtime';
import { chromeObject, type ChromeHost } from './chrome-object';
import { notificationState, type NotificationHost } from './notification-state';
import { patchedGetters, type GetterHost } from './patched-getters';
import { uaPlatform, type UaHost } from './ua-platform';
import { webglRenderer, type WebglHost } from './webgl-renderer';
import { windowGeometry, type GeometryHost } from './window-geometry';

export { FirstInput } from './first-input';
export { PointerWhileTyping } from './pointer-while-typing';

export type StealthHost = GetterHost & NotificationHost & ChromeHost & UaHost & CdpHost & GeometryHost & WebglHost;

export async function stealthSignals(win: StealthHost): Promise<string[]> {
  const out = [...patchedGetters(win), ...uaPlatform(win), ...webglRenderer(win)];
  for (const s of [chromeObject(win), cdpRuntime(win), windowGeometry(win), await notificationState(win)])
    if (s) out.push(s);
  return out;
}
