// Runs in node, without a DOM: the key classes are shared with @kizuki/react-native.
import { inputTypeClass, keyClass } from './key-class';

describe('keyClass', () => {
  it.each([
    ['a', 'char'],
    ['Z', 'char'],
    ['é', 'char'],
    ['😀', 'char'],
    [' ', 'char'],
    ['Backspace', 'backspace'],
    ['Delete', 'backspace'],
    ['Enter', 'enter'],
    ['Shift', 'modifier'],
    ['CapsLock', 'modifier'],
    ['AltGraph', 'modifier'],
    ['Tab', 'other'],
    ['ArrowLeft', 'other'],
    ['F5', 'other'],
  ])('%j → %s', (key, c) => expect(keyClass(key)).toBe(c));

  it('returns null when the key is not identified (IME, Android)', () => {
    expect(keyClass('Unidentified')).toBeNull();
    expect(keyClass('Process')).toBeNull();
    expect(keyClass('a', 229)).toBeNull();
    expect(keyClass(undefined)).toBeNull();
  });

  it('maps input types for the IME fallback', () => {
    expect(inputTypeClass('insertText')).toBe('char');
    expect(inputTypeClass('insertCompositionText')).toBe('char');
    expect(inputTypeClass('deleteContentBackward')).toBe('backspace');
    expect(inputTypeClass('insertLineBreak')).toBe('enter');
    expect(inputTypeClass('formatBold')).toBe('other');
  });
});
