import type { AutomationSignals } from '@kizuki/contract';
import type { Evidence } from '../types';

// Stealth automation without history: what the SDK found the browser claiming against what it is
// (libs/sdk/src/stealth/, one file per signal). Each known name is BOT_AUTOMATION with its own
// detail and weight; unknown names (a newer SDK) are ignored. No history needed: this works on a
// sign-up or an account's first login. False positives measured on the people of bench/detection.ts.
export const STEALTH_RULES: Record<string, { risk: number; detail: string }> = {
  patched_webdriver: {
    risk: 0.85,
    detail: "navigator.webdriver's getter is not the browser's own: a script replaced it to hide automation.",
  },
  patched_navigator: {
    risk: 0.6,
    detail: "navigator.languages or navigator.plugins is not the browser's own: a script replaced it.",
  },
  patched_notification: {
    risk: 0.6,
    detail: "Notification.permission is not the browser's own: a script replaced it (headless browsers deny it).",
  },
  notification_state: {
    risk: 0.5,
    detail: 'Notification.permission and the Permissions API disagree about notifications.',
  },
  chrome_object: {
    risk: 0.5,
    detail: 'A desktop Chrome User-Agent without the native window.chrome object Chrome has.',
  },
  ua_platform: {
    risk: 0.5,
    detail: 'The User-Agent, navigator.platform and the client hints name different operating systems.',
  },
  ua_hints_version: {
    risk: 0.5,
    detail: "The User-Agent's Chrome version differs from the client hints' version.",
  },
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
      out.push({ code: 'BOT_AUTOMATION', category: 'bot', risk: rule.risk, detail: `${rule.detail} (${name})` });
  }
  return out;
}
