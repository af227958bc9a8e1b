// Typing signal source for one TextInput: key-press times and key classes, NEVER characters. The
// text an onChangeText handler sees is reduced to its length on the spot and never kept.
// React Native has no key-up: every key event is a press (d) with u = d, and the engine compares
// touch-keyboard logins only with touch-keyboard profiles (docs/scoring.md, input modality).
import { SIGNAL_LIMITS, type FieldRole, type FieldTyping, type KeyClass, type KeyEvent } from '@kizuki/contract';
import { keyClass } from '../../sdk/src/core/key-class';
import { r1 } from '../../sdk/src/core/round';

/** A key press whose text change arrives within this many ms belongs to it (RN fires the key first). */
const KEY_TO_CHANGE_MS = 250;
/** Two fields filled in bulk this close together were filled by the OS / a password manager. */
export const AUTOFILL_PAIR_MS = 1000;

export class FieldRecorder {
  private keys: KeyEvent[] = []; // absolute times
  private length = 0;
  private pendingKey = -1; // time of a key press whose text change is still due
  private focused = false;
  private first = -1;
  pasted = false;
  autofilled = false;
  imeFallback = false;
  inputEvents = 0;
  /** time of this field's last bulk insertion (paste / fill), -1 if none */
  bulkAt = -1;

  constructor(
    readonly role: FieldRole,
    /** the session's hook to tell fields filled together: returns true when another field was just filled */
    private readonly onBulk: (field: FieldRecorder, t: number) => boolean,
  ) {}

  focus(): void {
    this.focused = true;
  }

  blur(): void {
    this.focused = false;
  }

  /** onKeyPress: iOS for every key, Android for soft keyboards that report keys. */
  keyPress(key: string | undefined, t: number): void {
    const c: KeyClass = keyClass(key) ?? 'other';
    this.push(t, c);
    this.pendingKey = t;
  }

  /** onChangeText / onChange: only the new length is used. */
  textLength(next: number, t: number): void {
    this.inputEvents++;
    const before = this.length;
    const delta = next - before;
    this.length = next;
    const keyed = this.pendingKey >= 0 && t - this.pendingKey <= KEY_TO_CHANGE_MS;
    this.pendingKey = -1;
    if (keyed || delta === 0) return;
    if (delta === 1 || delta === -1) {
      // a keyboard that reports no keys (many Android IMEs): the change is the key press
      this.imeFallback = true;
      this.push(t, delta === 1 ? 'char' : 'backspace');
      return;
    }
    if (delta < 0) {
      // a selection deleted or the field cleared: the typed run loses as many characters
      for (let i = 0; i < -delta; i++) this.push(t, 'backspace');
      return;
    }
    this.bulkAt = t;
    const together = this.onBulk(this, t);
    // the OS or a password manager fills fields the user is not in, and several at once
    if (!this.focused || together) this.autofilled = true;
    else this.pasted = true;
  }

  /** Called by the session when another field was filled in bulk right after this one. */
  markAutofilled(): void {
    if (this.bulkAt >= 0) {
      this.autofilled = true;
      this.pasted = false;
    }
  }

  private push(t: number, c: KeyClass): void {
    if (this.keys.length >= SIGNAL_LIMITS.keysPerField) return;
    if (this.first < 0) this.first = t;
    this.keys.push({ d: t, u: t, c });
  }

  snapshot(origin: number): FieldTyping {
    const f = this.first;
    return {
      role: this.role,
      keys: this.keys.map((k) => ({ d: r1(k.d - f), u: r1(k.u - f), c: k.c })),
      pasted: this.pasted,
      autofilled: this.autofilled,
      imeFallback: this.imeFallback,
      inputEvents: this.inputEvents,
      startMs: f < 0 ? -1 : r1(Math.max(0, f - origin)),
    };
  }

  /** A new attempt: the field keeps only its current length (so the next change is measured right). */
  reset(): void {
    this.keys = [];
    this.first = -1;
    this.pendingKey = -1;
    this.pasted = this.autofilled = this.imeFallback = false;
    this.inputEvents = 0;
    this.bulkAt = -1;
  }
}
