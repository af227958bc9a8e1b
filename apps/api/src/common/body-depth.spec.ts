import { hasUnstorableString, inspectBody, jsonDepth } from './body-depth';

describe('jsonDepth', () => {
  it('measures nesting without recursion, even 100,000 levels deep', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(jsonDepth(v, 32)).toBe(33);
    expect(jsonDepth(v)).toBe(100_000);
  });
});

describe('hasUnstorableString', () => {
  it('finds U+0000 and lone surrogates in values and keys, and accepts real text', () => {
    expect(hasUnstorableString({ a: ['ok', { b: 'x\u0000y' }] })).toBe(true);
    expect(hasUnstorableString({ ['k\u0000']: 1 })).toBe(true);
    expect(hasUnstorableString({ a: '\ud800' })).toBe(true);
    expect(hasUnstorableString({ a: 'x\udc00' })).toBe(true);
    expect(hasUnstorableString({ a: 'はなこ 😀 é', n: 1, z: null })).toBe(false);
  });
});

describe('inspectBody (the hook\'s single walk)', () => {
  it('agrees with jsonDepth on depth and with the string check, whichever comes first', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(inspectBody(deep, 32)).toBe('too-deep');
    const bodies: unknown[] = [{ a: [1, { b: 2 }] }, [[[[1]]]], { a: { b: { c: { d: 'ok' } } } }, 'plain', 5, null, { s: ['é', '😀'] }];
    for (const b of bodies) for (const max of [1, 2, 3, 4, 32]) expect(inspectBody(b, max)).toBe(jsonDepth(b, max) > max ? 'too-deep' : null);
    expect(inspectBody({ a: [{ b: ['ok', 'x\u0000'] }] }, 32)).toBe('unstorable');
    expect(inspectBody({ a: [{ ['\udc00k']: 1 }] }, 32)).toBe('unstorable');
    expect(inspectBody('\ud800', 32)).toBe('unstorable');
    expect(inspectBody({ a: 'はなこ 😀 é', n: 1, z: null }, 32)).toBeNull();
  });
});
