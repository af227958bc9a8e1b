import { KeyedBatcher } from './keyed-batcher';

describe('KeyedBatcher', () => {
  it('writes what arrives in one turn as one batch per key, and settles each caller with its batch', async () => {
    const writes: [string, number[]][] = [];
    const b = new KeyedBatcher<number>(async (key, items) => {
      writes.push([key, items]);
    });
    await Promise.all([b.add('a', 1), b.add('b', 2), b.add('a', 3)]);
    expect(writes).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    await b.add('a', 4);
    expect(writes[2]).toEqual(['a', [4]]);
  });

  it('cuts a burst at maxBatch, and fails only the callers whose own item cannot be written', async () => {
    const sizes: number[] = [];
    const b = new KeyedBatcher<number>(async (_k, items) => {
      sizes.push(items.length);
      if (items.includes(13)) throw new Error('bad row');
    }, 5);
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => b.add('t', i + 5)));
    // 5..9 | 10..14 fails, then written one by one | 15,16
    expect([...sizes].sort()).toEqual([1, 1, 1, 1, 1, 2, 5, 5]);
    expect(results.filter((r) => r.status === 'rejected').length).toBe(1);
    expect(results[8].status).toBe('rejected'); // the item 13
  });
  it('with a window, gathers what arrives over several turns into one batch', async () => {
    jest.useFakeTimers();
    try {
      const writes: number[][] = [];
      const b = new KeyedBatcher<number>(
        async (_k, items) => {
          writes.push(items);
        },
        100,
        5,
      );
      const first = b.add('t', 1);
      await Promise.resolve();
      jest.advanceTimersByTime(3);
      const second = b.add('t', 2);
      expect(writes).toEqual([]); // one turn later nothing is written yet (without a window it would be)
      jest.advanceTimersByTime(2);
      await Promise.all([first, second]);
      expect(writes).toEqual([[1, 2]]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('KeyedBatcher with results', () => {
  it('gives each caller the result for its own item', async () => {
    const calls: number[][] = [];
    const b = new KeyedBatcher<number, string>(async (_k, items) => {
      calls.push(items);
      return items.map((n) => `#${n}`);
    });
    await expect(Promise.all([b.add('t', 1), b.add('t', 2), b.add('u', 3)])).resolves.toEqual(['#1', '#2', '#3']);
    expect(calls).toEqual([[1, 2], [3]]);
  });
});
