import type { AutomationSignals, ReasonDetailKey } from '@kizuki/contract';
import type { Evidence } from '../types';

// Stealth automation without history: what the SDK found the browser claiming against what it is
// (libs/sdk/src/stealth/, one file per signal). Each known name is BOT_AUTOMATION with its own
// detail and weight; unknown names (a newer SDK) are ignored. No history needed: this works on a
// sign-up or an account's first login. False positives measured on the people of bench/detection.ts.
// Behaviour names (first input, pointer while typing) are BOT_BEHAVIOR; a supporting signal (a
// software GPU, which VMs and remote desktops have too) counts only beside another one.
export const STEALTH_RULES: Record<
  string,
  { risk: number; key: ReasonDetailKey; code?: 'BOT_BEHAVIOR'; supporting?: true }
> = {
  patched_webdriver: { risk: 0.85, key: 'stealth.webdriverPatched' },
  patched_navigator: { risk: 0.6, key: 'stealth.navigatorPatched' },
  patched_notification: { risk: 0.6, key: 'stealth.notificationPatched' },
  notification_state: { risk: 0.5, key: 'stealth.permissionsMismatch' },
  chrome_object: { risk: 0.5, key: 'stealth.chromeMissing' },
  ua_platform: { risk: 0.5, key: 'stealth.platformMismatch' },
  ua_hints_version: { risk: 0.5, key: 'stealth.versionMismatch' },
  // an open DevTools does the same: strong, but not a denial on its own
  cdp_runtime: { risk: 0.5, key: 'stealth.cdpRuntime' },
  window_geometry: { risk: 0.4, key: 'stealth.windowGeometry' },
  webgl_platform: { risk: 0.4, key: 'stealth.webglPlatform' },
  webgl_software: { risk: 0.15, key: 'stealth.webglSoftware', supporting: true },
  first_input_fast: { risk: 0.4, key: 'stealth.firstInputFast', code: 'BOT_BEHAVIOR' },
  pointer_while_typing: { risk: 0.3, key: 'stealth.pointerWhileTyping', code: 'BOT_BEHAVIOR' },
};

export function stealthEvidence(a: AutomationSignals | null | undefined): Evidence[] {
  const names = a && Array.isArray(a.stealth) ? a.stealth.slice(0, 32) : [];
  const rules = [...new Set(names)].flatMap((name) =>
    typeof name === 'string' && Object.prototype.hasOwnProperty.call(STEALTH_RULES, name)
      ? [{ name, ...STEALTH_RULES[name] }]
      : [],
  );
  const alone = !rules.some((r) => !r.supporting);
  return rules
    .filter((r) => !(r.supporting && alone))
    .map((r): Evidence => ({
      code: r.code ?? 'BOT_AUTOMATION',
      category: 'bot',
      risk: r.risk,
      detail: { key: r.key, params: { signal: r.name } },
    }));
}
