// The account's typing profiles, one per typing modality, each enrolled and updated only from
// trusted logins of that modality (bounded steps around a frozen baseline, typing-state.ts). A
// profile stored before modalities existed was learned on keyboards: it becomes the physical one.
import type { SignalBundle } from '@kizuki/contract';
import {
  TYPING_PARAMS,
  learnTypingProfile,
  parseTypingAccountProfile,
  typingState,
  type TypingAccountProfile,
} from '../typing';
import { TYPING_MODALITIES, inputModality, type TypingModality } from './input-modality';

export interface ModalTypingProfile {
  kind: 'kizuki.typing.modal';
  v: 1;
  modalities: Partial<Record<TypingModality, TypingAccountProfile>>;
}

export function parseModalTypingProfile(x: unknown): ModalTypingProfile {
  const out: ModalTypingProfile = { kind: 'kizuki.typing.modal', v: 1, modalities: {} };
  if (!x || typeof x !== 'object') return out;
  const o = x as Record<string, unknown>;
  if (o.kind === 'kizuki.typing.modal') {
    const m = (o.modalities ?? {}) as Record<string, unknown>;
    for (const k of TYPING_MODALITIES) if (m[k]) out.modalities[k] = parseTypingAccountProfile(m[k]);
    return out;
  }
  const legacy = parseTypingAccountProfile(x);
  if (legacy.password || legacy.username) out.modalities.physical_keyboard = legacy;
  return out;
}

/** The profile a login of this modality is compared with (empty while that modality enrols). */
export function typingProfileFor(stored: unknown, modality: TypingModality): TypingAccountProfile {
  return parseModalTypingProfile(stored).modalities[modality] ?? { kind: 'kizuki.typing.account', v: 1 };
}

/** Modalities with an active password or username profile. */
export function activeTypingModalities(stored: unknown): TypingModality[] {
  const p = parseModalTypingProfile(stored);
  return TYPING_MODALITIES.filter((k) => {
    const a = p.modalities[k];
    return (
      !!a &&
      ((a.password && typingState(a.password) === 'active') || (a.username && typingState(a.username) === 'active'))
    );
  });
}

/** Modalities the account has typed on in a trusted login (enrolling or active). */
export function typedModalities(stored: unknown): TypingModality[] {
  const p = parseModalTypingProfile(stored);
  return TYPING_MODALITIES.filter((k) => !!(p.modalities[k]?.password?.count || p.modalities[k]?.username?.count));
}

/** After a trusted outcome only: teaches the profile of the bundle's own typing modality. */
export function learnModalTypingProfile(stored: unknown, bundle: SignalBundle): ModalTypingProfile {
  const profile = parseModalTypingProfile(stored);
  const modality = inputModality(bundle).typing;
  const fields = Array.isArray(bundle?.typing?.fields) ? bundle.typing.fields : null;
  if (!modality || !fields) return profile;
  profile.modalities[modality] = learnTypingProfile(profile.modalities[modality] ?? null, fields);
  return profile;
}

/**
 * A touch keyboard reports key presses only (React Native has no key-up; u = d): every hold feature
 * is the same constant on both sides and adds nothing but weight to the model's mean, diluting the
 * flights' distance by this factor. Multiplying it back gives the mean distance over the features
 * that carry the rhythm (measured: without it another person's phone rhythm scored 0.01-0.44).
 */
export function holdlessAnomalyFactor(keys: number): number {
  if (keys < 2) return 1;
  const holds = TYPING_PARAMS.holdWeight * keys;
  const flights = keys - 1;
  return (holds + flights) / flights;
}
