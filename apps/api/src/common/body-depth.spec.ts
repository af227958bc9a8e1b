import { inspectBody } from './body-depth';

describe('inspectBody (the pre-validation walk over every JSON body)', () => {
  it('measures nesting without recursion, even 100,000 levels deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(inspectBody(deep, 32)).toBe('too-deep');
    // depth counts objects and arrays: {a:[1,{b:2}]} is 3 levels
    expect(inspectBody({ a: [1, { b: 2 }] }, 3)).toBeNull();
    expect(inspectBody({ a: [1, { b: 2 }] }, 2)).toBe('too-deep');
    expect(inspectBody([[[[1]]]], 4)).toBeNull();
    expect(inspectBody([[[[1]]]], 3)).toBe('too-deep');
    expect(inspectBody(5, 0)).toBeNull();
  });

  it('finds U+0000 and lone surrogates in values and keys at any depth, and accepts real text', () => {
    expect(inspectBody({ a: ['ok', { b: 'x\u0000y' }] }, 32)).toBe('unstorable');
    expect(inspectBody({ ['k\u0000']: 1 }, 32)).toBe('unstorable');
    expect(inspectBody({ a: [{ ['\udc00k']: 1 }] }, 32)).toBe('unstorable');
    expect(inspectBody({ a: '\ud800' }, 32)).toBe('unstorable');
    expect(inspectBody({ a: 'x\udc00' }, 32)).toBe('unstorable');
    expect(inspectBody('\ud800', 32)).toBe('unstorable');
    expect(inspectBody({ a: 'はなこ 😀 é', n: 1, z: null, s: ['é', '😀'] }, 32)).toBeNull();
  });
});
