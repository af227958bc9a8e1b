/** @jest-environment jsdom */
import { PointerSource } from './pointer';

describe('PointerSource', () => {
  // jsdom has no PointerEvent: the source falls back to mouse/touch events there
  it('records moves, clicks with target roles, touches and viewport', () => {
    document.body.innerHTML = '<button id="b">Sign in</button>';
    const btn = document.getElementById('b')!;
    btn.getBoundingClientRect = () => ({
      left: 10,
      top: 10,
      width: 100,
      height: 20,
      right: 110,
      bottom: 30,
      x: 10,
      y: 10,
      toJSON() {},
    });
    const src = new PointerSource((el) => (el && el.id === 'b' ? 'submit' : 'other'));
    src.start(window);
    expect(src.snapshot().type).toBe('none');
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 5, clientY: 5 }));
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 8, clientY: 9 }));
    btn.dispatchEvent(new MouseEvent('mousedown', { clientX: 60, clientY: 15, bubbles: true }));
    const p = src.snapshot(window);
    expect(p.type).toBe('mouse');
    expect(p.eventCount).toBe(2);
    expect(p.start).toMatchObject({ x: 5, y: 5 });
    expect(p.moves.slice(0, 2)).toEqual([3, 4]);
    expect(p.clicks).toEqual([
      { t: expect.any(Number), rx: 0.5, ry: 0.25, target: 'submit', pointerType: 'mouse', isTrusted: false },
    ]);
    expect(p.viewport).toEqual({ w: window.innerWidth, h: window.innerHeight });
    src.reset();
    expect(src.snapshot().moves).toEqual([]);
    src.stop();
  });

  it('caps clicks', () => {
    const src = new PointerSource(() => 'other');
    src.start(window);
    for (let i = 0; i < 100; i++) document.body.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    expect(src.snapshot().clicks).toHaveLength(64);
    src.stop();
  });
});
