import type { AutomationSignals } from '@kizuki/contract';
import type { Evidence } from '../types';

// Stealth automation without history: what the SDK found the browser claiming against what it is
// (libs/sdk/src/stealth/, one file per signal). Each known name is BOT_AUTOMATION with its own
// detail and weight; unknown names (a newer SDK) are ignored. No history needed: this works on a
// sign-up or an account's first login. False positives measured on the people of bench/detection.ts.
// Behaviour names (first input, pointer while typing) are BOT_BEHAVIOR; a supporting signal (a
// software GPU, which VMs and remote desktops have too) counts only beside another one.
export const STEALTH_RULES: Record<string, { risk: number; detail: string; code?: 'BOT_BEHAVIOR'; supporting?: true }> =
  {
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
    cdp_runtime: {
      // an open DevTools does the same: strong, but not a denial on its own
      risk: 0.5,
      detail: 'A DevTools-protocol client was reading the page (console messages serialised): a driven browser.',
    },
    window_geometry: {
      risk: 0.4,
      detail: 'The window has no browser frame though not full screen, or the usable screen exceeds the screen.',
    },
    webgl_platform: {
      risk: 0.4,
      detail: "The WebGL renderer belongs to another operating system than the User-Agent's (Direct3D, Metal).",
    },
    webgl_software: {
      risk: 0.15,
      supporting: true,
      detail: 'WebGL renders in software (SwiftShader, llvmpipe) as on a headless server, beside other signs.',
    },
    first_input_fast: {
      risk: 0.4,
      code: 'BOT_BEHAVIOR',
      detail: 'The first key or button press came under 400 ms after the page started loading.',
    },
    pointer_while_typing: {
      risk: 0.3,
      code: 'BOT_BEHAVIOR',
      detail: 'The mouse moved during at least half of the key presses, as cursor-humanising scripts do.',
    },
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
      detail: `${r.detail} (${r.name})`,
    }));
}
