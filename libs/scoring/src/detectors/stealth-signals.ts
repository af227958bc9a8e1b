import type { AutomationSignals, ReasonDetailKey } from '@kizuki/contract';
import type { Evidence } from '../types';

// Stealth automation without history: what the SDK found the browser claiming against what it is
// (libs/sdk/src/stealth/, one file per signal). Each known name is BOT_AUTOMATION with its own
// detail and weight; unknown names (a newer SDK) are ignored. No history needed: this works on a
// sign-up or an account's first login. False positives measured on the people of bench/detection.ts.
export const STEALTH_RULES: Record<string, { risk: number; key: ReasonDetailKey }> = {
  patched_webdriver: { risk: 0.85, key: 'stealth.webdriverPatched' },
  patched_navigator: { risk: 0.6, key: 'stealth.navigatorPatched' },
  patched_notification: { risk: 0.6, key: 'stealth.notificationPatched' },
  notification_state: { risk: 0.5, key: 'stealth.permissionsMismatch' },
  chrome_object: { risk: 0.5, key: 'stealth.chromeMissing' },
  ua_platform: { risk: 0.5, key: 'stealth.platformMismatch' },
  ua_hints_version: { risk: 0.5, key: 'stealth.versionMismatch' },
};

export function stealthEvidence(a: AutomationSignals | null | undefined): Evidence[] {
  const names = a && Array.isArray(a.stealth) ? a.stealth.slice(0, 32) : [];
  const out: Evidence[] = [];
  for (const name of new Set(names)) {
    const rule =
      typeof name === 'string' && Object.prototype.hasOwnProperty.call(STEALTH_RULES, name)
        ? STEALTH_RULES[name]
        : null;
    if (rule)
      out.push({
        code: 'BOT_AUTOMATION',
        category: 'bot',
        risk: rule.risk,
        detail: { key: rule.key, params: { signal: name } },
      });
  }
  return out;
}
