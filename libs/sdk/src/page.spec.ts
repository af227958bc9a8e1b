/** @jest-environment jsdom */
import { PageSource, cleanPath } from './page';

describe('PageSource', () => {
  it('keeps the path only', () => {
    expect(cleanPath('/login')).toBe('/login');
    expect(cleanPath('/login?email=a@b.c#x')).toBe('/login');
    expect(cleanPath('')).toBe('/');
    expect(cleanPath('/' + 'a'.repeat(1000))).toHaveLength(512);
  });

  it('counts focus, blur and visibility changes, capped', () => {
    window.history.replaceState(null, '', '/signin?next=/account#top');
    const src = new PageSource();
    src.start(window);
    window.dispatchEvent(new Event('blur'));
    window.dispatchEvent(new Event('focus'));
    document.dispatchEvent(new Event('visibilitychange'));
    document.body.dispatchEvent(new FocusEvent('focus')); // an element's focus is not the page's
    const p = src.snapshot(window);
    expect(p).toEqual({
      loadToSubmitMs: expect.any(Number),
      focusChanges: 1,
      blurCount: 1,
      visibilityChanges: 1,
      path: '/signin',
    });
    for (let i = 0; i < 100; i++) window.dispatchEvent(new Event('blur'));
    expect(src.snapshot(window).blurCount).toBe(64);
    src.stop();
  });
});
