import { decodeCursor, encodeCursor } from './cursor';

const ID = '0b7e7c1e-2f6a-4c43-9b1e-3f0a8d1c2e4f';
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('decodeCursor: one strict decoder for every console list', () => {
  it('reads back what encodeCursor wrote (microseconds, milliseconds, a leap day)', () => {
    for (const at of ['2026-12-04T13:45:01.123456Z', '2026-12-04T13:45:01.123Z', '2024-02-29T00:00:00Z']) {
      expect(decodeCursor(encodeCursor(at, ID))).toEqual({ createdAt: at, id: ID });
    }
  });

  it.each([
    '99999',
    '2024-02-30',
    '2023-02-29T00:00:00Z',
    'March 7',
    '2024-02-30T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:60Z',
    '2024-01-01T00:00:00',
    '2024-01-01T00:00:00+09:00',
    '2024-01-01T00:00:00.1234567Z',
    '0000-01-01T00:00:00Z',
    '',
  ])('refuses the instant %p with a 400', (at) => {
    expect(() => decodeCursor(raw(`${at}|${ID}`))).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('refuses a cursor without exactly an instant and a uuid', () => {
    for (const text of [`2024-01-01T00:00:00Z|not-a-uuid`, `2024-01-01T00:00:00Z|${ID}|x`, `2024-01-01T00:00:00Z`]) {
      expect(() => decodeCursor(raw(text))).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});
