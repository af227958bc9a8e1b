/** @jest-environment jsdom */
import { STORAGE_KEY, flatValue, flattenComponents, storageId } from './device';

describe('device components', () => {
  it('flattens values to short strings, numbers, booleans or null', () => {
    expect(flatValue('Europe/Paris')).toBe('Europe/Paris');
    expect(flatValue(8)).toBe(8);
    expect(flatValue(NaN)).toBeNull();
    expect(flatValue(true)).toBe(true);
    expect(flatValue(undefined)).toBeNull();
    expect(flatValue([['en-US'], ['en-US', 'en']])).toBe('[["en-US"],["en-US","en"]]');
    const long = flatValue('data:image/png;base64,' + 'A'.repeat(5000));
    expect(long).toMatch(/^[0-9a-f]{32}$/);
    expect(flatValue('data:image/png;base64,' + 'A'.repeat(5000))).toBe(long); // stable
  });

  it('spreads small objects one level, hashes big ones, errors become null, caps the count', () => {
    const out = flattenComponents({
      canvas: { value: { winding: true, geometry: 'x'.repeat(300), text: 'short' } },
      math: { value: Object.fromEntries(Array.from({ length: 20 }, (_, i) => ['k' + i, i * 1.5])) },
      audio: { error: new Error('blocked') },
      screenResolution: { value: [1920, 1080] },
    });
    expect(out['canvas.winding']).toBe(true);
    expect(out['canvas.geometry']).toMatch(/^[0-9a-f]{32}$/);
    expect(out['canvas.text']).toBe('short');
    expect(out.math).toMatch(/^[0-9a-f]{32}$/);
    expect(out.audio).toBeNull();
    expect(out.screenResolution).toBe('[1920,1080]');
    const many = flattenComponents(Object.fromEntries(Array.from({ length: 100 }, (_, i) => ['c' + i, { value: i }])));
    expect(Object.keys(many)).toHaveLength(64);
    for (const v of Object.values(out)) if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(256);
  });
});

describe('storageId', () => {
  beforeEach(() => localStorage.clear());

  it('creates a random id once and keeps it', () => {
    const a = storageId();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(storageId()).toBe(a);
    expect(localStorage.getItem(STORAGE_KEY)).toBe(a);
    localStorage.clear();
    expect(storageId()).not.toBe(a); // cleared storage: a new id, the fingerprint tells it's the same device
  });

  it('replaces a malformed id and survives blocked storage', () => {
    localStorage.setItem(STORAGE_KEY, '<script>');
    expect(storageId()).toMatch(/^[0-9a-f]{32}$/);
    expect(
      storageId(() => {
        throw new DOMException('denied', 'SecurityError');
      }),
    ).toBeNull();
    expect(storageId(() => null)).toBeNull();
  });
});
