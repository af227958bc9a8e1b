// Touch signal source of the login screen's container View: a sampled, quantised trajectory of
// every finger-down stretch (the browser SDK's sampler, so the engine reads both the same way),
// the contact force of the kept points where the platform reports it, and taps on the fields and
// the submit button with their position inside the tapped element.
import { SIGNAL_LIMITS, type PointerClick, type PointerSignals, type TouchForceSignals } from '@kizuki/contract';
import { TrajectorySampler, relativePosition } from '../../sdk/src/core/trajectory';

/** The parts of a React Native touch event that are read (GestureResponderEvent.nativeEvent). */
export interface TouchPoint {
  pageX: number;
  pageY: number;
  /** iOS (3D Touch / pencil) and some Android builds: 0..1 (iOS up to ~6.7 on 3D Touch) */
  force?: number;
}

export type TapTarget = 'submit' | 'username' | 'password' | 'other';

const MAX_POINTS = SIGNAL_LIMITS.pointerMoveValues / 3;

export class TouchRecorder {
  private sampler = new TrajectorySampler(MAX_POINTS);
  // fed in step with `sampler`, so it keeps exactly the same points: x holds the force
  private forces = new TrajectorySampler(MAX_POINTS);
  private anyForce = false;
  private eventCount = 0;
  private touches = 0;
  private clicks: PointerClick[] = [];

  down(p: TouchPoint, t: number): void {
    this.touches++;
    this.add(p, t);
  }

  move(p: TouchPoint, t: number): void {
    this.add(p, t);
  }

  /** A tap on a field or the submit button; locationX/Y are relative to it, width/height its layout. */
  tap(
    target: TapTarget,
    at: { locationX: number; locationY: number },
    size: { width: number; height: number } | null,
    t: number,
  ): void {
    if (this.clicks.length >= SIGNAL_LIMITS.clicks) return;
    const box = size ? { left: 0, top: 0, ...size } : { left: 0, top: 0, width: 0, height: 0 };
    this.clicks.push({
      t: Math.round(t),
      ...relativePosition(at.locationX, at.locationY, box),
      target,
      pointerType: 'touch',
      isTrusted: true,
    });
  }

  private add(p: TouchPoint, t: number): void {
    if (!Number.isFinite(p.pageX) || !Number.isFinite(p.pageY)) return;
    this.eventCount++;
    this.sampler.add(p.pageX, p.pageY, t);
    const force = typeof p.force === 'number' && Number.isFinite(p.force) && p.force > 0 ? p.force : 0;
    if (force) this.anyForce = true;
    this.forces.add(force, 0, t);
  }

  snapshot(viewport: { w: number; h: number }, origin: number): { pointer: PointerSignals; touch: TouchForceSignals } {
    const { start, moves } = this.sampler.quantised();
    const kept = start ? 1 + moves.length / 3 : 0;
    const force: number[] = [];
    if (this.anyForce) {
      for (let i = 0; i < kept && force.length < SIGNAL_LIMITS.touchForceValues; i++) {
        force.push(Math.max(0, Math.min(1000, Math.round(this.forces.pts[i * 3] * 1000))));
      }
    }
    return {
      pointer: {
        type: this.eventCount || this.touches || this.clicks.length ? 'touch' : 'none',
        start: start ? { ...start, t: Math.max(0, Math.round(start.t - origin)) } : null,
        moves,
        eventCount: this.eventCount,
        clicks: this.clicks.map((c) => ({ ...c, t: Math.max(0, Math.round(c.t - origin)) })),
        touches: this.touches,
        viewport: { w: Math.round(viewport.w), h: Math.round(viewport.h) },
      },
      touch: { force },
    };
  }

  reset(): void {
    this.sampler = new TrajectorySampler(MAX_POINTS);
    this.forces = new TrajectorySampler(MAX_POINTS);
    this.anyForce = false;
    this.eventCount = 0;
    this.touches = 0;
    this.clicks = [];
  }
}
