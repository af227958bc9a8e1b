import { keyTimingsFromField, type FieldKey } from './key-timings';

const k = (d: number, c: FieldKey['c'] = 'char', hold = 80): FieldKey => ({ d, u: d + hold, c });

describe('keyTimingsFromField', () => {
  it('keeps char keys and a final enter, rebased on the first key-down', () => {
    const out = keyTimingsFromField([k(1000), k(1200), k(1400, 'enter')]);
    expect(out).toEqual([
      { down: 0, up: 80 },
      { down: 200, up: 280 },
      { down: 400, up: 480 },
    ]);
  });

  it('drops a corrected character together with its backspace', () => {
    const out = keyTimingsFromField([k(0), k(200), k(300), k(500, 'backspace'), k(700), k(900, 'enter')]);
    expect(out!.map((x) => x.down)).toEqual([0, 200, 700, 900]);
  });

  it('ignores modifiers and other keys, and sorts by key-down', () => {
    const out = keyTimingsFromField([k(300), k(100, 'modifier', 400), k(0), k(600, 'other')]);
    expect(out!.map((x) => x.down)).toEqual([0, 300]);
  });

  it('keeps the last attempt when typing continues after an enter', () => {
    const out = keyTimingsFromField([k(0), k(100), k(200, 'enter'), k(5000), k(5100), k(5200), k(5300, 'enter')]);
    expect(out).toHaveLength(4);
    expect(out![0]).toEqual({ down: 0, up: 80 });
  });

  it('returns null when nothing usable remains', () => {
    expect(keyTimingsFromField([])).toBeNull();
    expect(keyTimingsFromField(null)).toBeNull();
    expect(keyTimingsFromField([k(0), k(100, 'backspace')])).toBeNull();
    expect(keyTimingsFromField([k(0, 'enter'), k(100, 'modifier')])).toBeNull();
    expect(keyTimingsFromField([{ d: NaN, u: 1, c: 'char' }])).toBeNull();
  });

  it('repairs a key-up that is missing or before its key-down', () => {
    const out = keyTimingsFromField([
      { d: 10, u: 5, c: 'char' },
      { d: 100, u: NaN, c: 'char' },
    ]);
    expect(out).toEqual([
      { down: 0, up: 0 },
      { down: 90, up: 90 },
    ]);
  });
});
