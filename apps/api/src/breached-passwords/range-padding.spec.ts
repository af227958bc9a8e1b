import { paddedLines, paddedRange } from './range-padding';

const suffix = (c: string) => c.repeat(35);

describe('paddedRange', () => {
  it('answers every prefix of a corpus with the same number of lines and bytes', () => {
    const small = paddedRange(`${suffix('A')}:3`, 130);
    const large = paddedRange(
      Array.from({ length: 130 }, (_, i) => `${i.toString(16).toUpperCase().padStart(35, '0')}:${i * 9999}`).join('\n'),
      130,
    );
    const empty = paddedRange('', 130);
    expect(paddedLines(130)).toBe(200);
    for (const body of [small, large, empty]) {
      expect(body.split('\r\n')).toHaveLength(200);
      expect(body.length).toBe(small.length);
      for (const line of body.split('\r\n')) expect(line).toMatch(/^[0-9A-F]{35}:\d{10}$/);
    }
  });

  it('keeps the real entries (counts readable by parseInt), sorted, padding with count 0', () => {
    const body = paddedRange(`${suffix('B')}:52256179\n${suffix('1')}:7`, 5);
    const lines = body.split('\r\n');
    expect(lines).toHaveLength(100);
    expect([...lines].sort()).toEqual(lines);
    const counts = new Map(lines.map((l) => [l.slice(0, 35), parseInt(l.slice(36), 10)]));
    expect(counts.get(suffix('B'))).toBe(52256179);
    expect(counts.get(suffix('1'))).toBe(7);
    expect([...counts.values()].filter((n) => n > 0)).toHaveLength(2);
  });

  it('pads with fresh random suffixes on each answer', () => {
    expect(paddedRange('', 1)).not.toEqual(paddedRange('', 1));
  });
});
