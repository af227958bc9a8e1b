// Key classes of the typing signal, shared by the browser SDK and @kizuki/react-native. DOM-free:
// no `document`, `window` or DOM event types here (the root tsconfig, without the DOM lib, checks it).
import type { KeyClass } from '@kizuki/contract';

const MODIFIERS =
  /^(Shift|Control|Alt|AltGraph|Meta|CapsLock|Fn|FnLock|Hyper|Super|OS|NumLock|ScrollLock|Symbol|SymbolLock)$/;

/** The class of a key, or null when the platform did not identify it (IME, Android keyCode 229). */
export function keyClass(key: string | undefined, keyCode?: number): KeyClass | null {
  if (!key || key === 'Unidentified' || key === 'Process' || keyCode === 229) return null;
  if (key === 'Backspace' || key === 'Delete') return 'backspace';
  if (key === 'Enter') return 'enter';
  if (MODIFIERS.test(key)) return 'modifier';
  // one printable character (a surrogate pair counts as one)
  if (key.length === 1 || (key.length === 2 && /^[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(key))) return 'char';
  return 'other';
}

/** Key class of an input that arrived without an identified key (IME / virtual keyboards). */
export function inputTypeClass(inputType: string): KeyClass {
  if (/^insert(Text|CompositionText|FromComposition)$/.test(inputType)) return 'char';
  if (/^delete/.test(inputType)) return 'backspace';
  if (/^insert(LineBreak|Paragraph)$/.test(inputType)) return 'enter';
  return 'other';
}
