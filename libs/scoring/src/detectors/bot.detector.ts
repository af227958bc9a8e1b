import type { Evidence } from '../types';
import type { FieldTyping, ReasonDetail } from '@kizuki/contract';
import type { Detector } from './detector';
import { stealthEvidence } from './stealth-signals';

// Automation: what the SDK found in the browser (BOT_AUTOMATION, strong) and typing a person
// cannot produce (BOT_BEHAVIOR): no hold time, key intervals under 15 ms, metronome-regular
// intervals, synthetic (untrusted) input events, a page submitted implausibly fast.
// Pointer-based bot traits are in pointer.detector.ts. All evidence is category 'bot', which
// the engine fuses into scores.bot.

export const BOT_RISK = {
  webdriver: 0.9,
  botVerdict: 0.85,
  signalsOnly: 0.5,
  untrusted: 0.6,
  zeroHold: 0.6,
  instantTyping: 0.6,
  metronome: 0.5,
  fastSubmit: 0.45,
} as const;

function stats(xs: number[]): { mean: number; median: number; cv: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / Math.max(1, xs.length - 1));
  return { mean, median, cv: mean > 0 ? sd / mean : 0 };
}

/** Inhuman typing traits of one field (6+ typed keys), as details. */
export function typingBotTraits(
  f: FieldTyping,
  /** false for app bundles: React Native reports key presses, never key-ups (u = d) */
  holdsKnown = true,
): { trait: 'zeroHold' | 'instantTyping' | 'metronome'; detail: ReasonDetail }[] {
  const keys = Array.isArray(f?.keys) ? f.keys.filter((k) => k && Number.isFinite(k.d) && Number.isFinite(k.u)) : [];
  if (f.pasted || f.autofilled || keys.length < 6) return [];
  const out: { trait: 'zeroHold' | 'instantTyping' | 'metronome'; detail: ReasonDetail }[] = [];
  const role = { key: `role.${f.role}` as const };
  const holds = keys.map((k) => k.u - k.d);
  const gaps = keys.slice(1).map((k, i) => k.d - keys[i].d);
  // IME fallback timings come from input events: holds are not real there.
  if (holdsKnown && !f.imeFallback && holds.every((h) => h <= 1))
    out.push({
      trait: 'zeroHold',
      detail: { key: 'bot.zeroHold', params: { role } },
    });
  const g = stats(gaps);
  if (g.median < 15)
    out.push({
      trait: 'instantTyping',
      detail: { key: 'bot.instantTyping', params: { role, ms: g.median.toFixed(0) } },
    });
  else if (g.cv < 0.05 && (f.imeFallback || !holdsKnown || stats(holds).cv < 0.1)) {
    out.push({
      trait: 'metronome',
      detail: { key: 'bot.metronome', params: { role, percent: (100 * g.cv).toFixed(1) } },
    });
  }
  return out;
}

export const botDetector: Detector = {
  name: 'bot',
  run({ bundle, policy }) {
    const evidence: Evidence[] = [];
    if (!bundle) return { evidence };
    const a = bundle.automation;
    if (a) {
      const signals = Array.isArray(a.signals) ? a.signals.slice(0, 8).join(', ') : '';
      const listed = signals ? { key: 'bot.signals' as const, params: { signals } } : '';
      if (a.webdriver)
        evidence.push({
          code: 'BOT_AUTOMATION',
          category: 'bot',
          risk: BOT_RISK.webdriver,
          detail: { key: 'bot.webdriver', params: { signals: listed } },
        });
      else if (a.bot)
        evidence.push({
          code: 'BOT_AUTOMATION',
          category: 'bot',
          risk: BOT_RISK.botVerdict,
          detail: { key: 'bot.framework', params: { signals: listed } },
        });
      else if (signals)
        evidence.push({
          code: 'BOT_AUTOMATION',
          category: 'bot',
          risk: BOT_RISK.signalsOnly,
          detail: { key: 'bot.traces', params: { signals } },
        });
      evidence.push(...stealthEvidence(a));
      if (a.untrustedEvents > 0) {
        evidence.push({
          code: 'BOT_BEHAVIOR',
          category: 'bot',
          risk: BOT_RISK.untrusted,
          detail: { key: 'bot.untrustedEvents', params: { count: a.untrustedEvents } },
        });
      }
    }
    const fields = Array.isArray(bundle.typing?.fields) ? bundle.typing.fields : [];
    const seen = new Set<string>();
    for (const f of fields) {
      if (!f) continue;
      for (const t of typingBotTraits(f, !bundle.app)) {
        if (seen.has(t.trait)) continue;
        seen.add(t.trait);
        evidence.push({ code: 'BOT_BEHAVIOR', category: 'bot', risk: BOT_RISK[t.trait], detail: t.detail });
      }
    }
    const typed = fields.some((f) => f && !f.autofilled && !f.pasted && Array.isArray(f.keys) && f.keys.length >= 4);
    const ms = bundle.page?.loadToSubmitMs;
    if (typed && typeof ms === 'number' && ms >= 0 && ms < policy.bot.minSubmitMs) {
      evidence.push({
        code: 'BOT_BEHAVIOR',
        category: 'bot',
        risk: BOT_RISK.fastSubmit,
        detail: { key: 'bot.fastSubmit', params: { ms: Math.round(ms) } },
      });
    }
    return { evidence };
  },
};
