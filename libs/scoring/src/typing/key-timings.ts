import type { KeyClass } from '@kizuki/contract';
import type { KeyTiming } from './typing-model';

/** A key event as the SDK records it per field (see FieldTyping in signals.ts). */
export interface FieldKey {
  d: number;
  u: number;
  c: KeyClass;
}

/**
 * The sequence the typing detector compares: the final "clean" run of character keys as they
 * ended up in the field, plus Enter if it was pressed right after them.
 *  - keys are taken in key-down order;
 *  - a backspace removes the last kept character (so a corrected character and its backspace both
 *    vanish; a run of backspaces that empties the field starts over);
 *  - an Enter ends an attempt: if more characters follow (the page cleared the field and the user
 *    typed again), the last attempt wins;
 *  - modifiers (Shift…) and other keys (Tab, arrows…) are ignored;
 *  - a key-up that is missing, before its key-down or not finite is taken as equal to the key-down.
 * Returns null when nothing usable remains (no character key, or bad timings).
 */
export function keyTimingsFromField(keys: readonly FieldKey[] | null | undefined): KeyTiming[] | null {
  if (!Array.isArray(keys) || keys.length === 0) return null;
  const events = keys
    .filter((k) => k && Number.isFinite(k.d))
    .map((k, i) => ({ d: k.d, u: Number.isFinite(k.u) && k.u >= k.d ? k.u : k.d, c: k.c, i }))
    .sort((a, b) => a.d - b.d || a.i - b.i);
  let chars: KeyTiming[] = [];
  let ended = false; // an Enter closed the current attempt
  let last: KeyTiming[] | null = null;
  for (const e of events) {
    if (e.c === 'char') {
      if (ended) {
        chars = [];
        ended = false;
      }
      chars.push({ down: e.d, up: e.u });
    } else if (e.c === 'backspace') {
      if (ended) continue;
      chars.pop();
    } else if (e.c === 'enter') {
      if (!ended && chars.length > 0) {
        last = [...chars, { down: e.d, up: e.u }];
        ended = true;
      }
    }
  }
  const result = ended ? last : chars.length ? chars : last;
  if (!result || result.length === 0) return null;
  // rebase on the first key-down so that stored samples carry no page timing
  const t0 = result[0].down;
  return result.map((k) => ({ down: k.down - t0, up: k.up - t0 }));
}
