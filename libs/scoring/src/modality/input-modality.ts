// Which input a login was made with: a phone's touch keyboard and a laptop's keys are different
// rhythms, a finger and a mouse different movements. Profiles are kept per modality and a login is
// compared only with the profile of its own (docs/scoring.md, "Input modality").
import { TYPING_MODALITIES, type SignalBundle, type TypingModality } from '@kizuki/contract';

export { TYPING_MODALITIES, type TypingModality };
export const POINTER_MODALITIES = ['mouse', 'touch', 'pen'] as const;
export type PointerModality = (typeof POINTER_MODALITIES)[number];

export interface InputModality {
  /** null without a bundle */
  typing: TypingModality | null;
  /** null when nothing pointed (no movement, tap or click) */
  pointer: PointerModality | null;
}

/**
 * A bundle from the app SDK is typed on the touch keyboard (React Native reports no hardware-key
 * events on Android and cannot tell them apart on iOS); a browser bundle is touch-typed when its
 * keys came through the virtual-keyboard fallback (imeFallback) or when the page was used by touch
 * only (touches and no mouse): a phone's browser. Everything else is a physical keyboard.
 */
export function inputModality(bundle: SignalBundle | null | undefined): InputModality {
  if (!bundle || typeof bundle !== 'object') return { typing: null, pointer: null };
  const p = bundle.pointer;
  const pointer: PointerModality | null =
    p && (p.type === 'mouse' || p.type === 'touch' || p.type === 'pen') ? p.type : null;
  const fields = Array.isArray(bundle.typing?.fields) ? bundle.typing.fields : [];
  const ime = fields.some((f) => f && f.imeFallback && (f.role === 'password' || f.role === 'username'));
  const touchOnly = !!p && p.type === 'touch' && p.touches > 0;
  const typing: TypingModality = bundle.app || ime || touchOnly ? 'touch_keyboard' : 'physical_keyboard';
  return { typing, pointer };
}

/** How evidence details name a typing modality. */
export const MODALITY_WORDS: Record<TypingModality, string> = {
  physical_keyboard: 'physical keyboard',
  touch_keyboard: 'touch keyboard',
};
