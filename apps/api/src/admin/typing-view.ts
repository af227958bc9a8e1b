import {
  inputModality,
  keyTimingsFromField,
  parseModalTypingProfile,
  type TypingProfile,
  typingProfileFor,
  typingState,
  type TypingModality,
  type TypingProfileState,
} from '@kizuki/scoring';
import type { FieldTyping, SignalBundle, TypingBand as Band, TypingRoleView } from '@kizuki/contract';

const FLIGHT_TAU = 700; // TYPING_PARAMS.flightTau: flights are stored as asinh(ms / 700)
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Back from the detector's feature space (log hold, asinh flight) to milliseconds, for drawing. */
function profileBands(p: TypingProfile): { holds: Band[]; flights: Band[] } {
  const holds: Band[] = [];
  const flights: Band[] = [];
  p.center.forEach((c, j) => {
    const s = p.scale[j];
    if (j % 2 === 0) holds.push({ mid: r1(Math.exp(c)), lo: r1(Math.exp(c - s)), hi: r1(Math.exp(c + s)) });
    else
      flights.push({
        mid: r1(FLIGHT_TAU * Math.sinh(c)),
        lo: r1(FLIGHT_TAU * Math.sinh(c - s)),
        hi: r1(FLIGHT_TAU * Math.sinh(c + s)),
      });
  });
  return { holds, flights };
}

/** The typing rhythm of one login next to the account's profile, per field role. */
export function typingView(bundle: unknown, storedProfile: unknown): TypingRoleView[] {
  const fields = ((bundle as { typing?: { fields?: FieldTyping[] } } | null)?.typing?.fields ?? []).filter(Boolean);
  const modality = inputModality(bundle as SignalBundle | null).typing ?? 'physical_keyboard';
  const profile = typingProfileFor(storedProfile, modality);
  return (['password', 'username'] as const).map((role) => {
    const field = fields.find((f) => f.role === role);
    const keys = field ? keyTimingsFromField(field.keys) : null;
    const st: TypingProfileState | undefined = profile[role];
    const active = st ? typingState(st) === 'active' : false;
    return {
      role,
      modality,
      state: st ? (active ? 'active' : 'enrolling') : 'none',
      samples: st?.count ?? 0,
      pasted: !!field?.pasted,
      autofilled: !!field?.autofilled,
      login: keys
        ? {
            holds: keys.map((k) => r1(k.up - k.down)),
            flights: keys.slice(1).map((k, i) => r1(k.down - keys[i].up)),
          }
        : null,
      profile: active && st?.adapted ? profileBands(st.adapted) : null,
    };
  });
}

export function typingStateSummary(
  storedProfile: unknown,
): { modality: TypingModality; role: string; state: string; samples: number }[] {
  const modal = parseModalTypingProfile(storedProfile).modalities;
  const kept = (Object.keys(modal) as TypingModality[]).sort();
  // an account without any profile still shows what it is enrolling: the keyboard one
  return (kept.length ? kept : (['physical_keyboard'] as TypingModality[])).flatMap((modality) =>
    (['password', 'username'] as const).map((role) => {
      const st = modal[modality]?.[role];
      return { modality, role, state: st ? typingState(st) : 'none', samples: st?.count ?? 0 };
    }),
  );
}
