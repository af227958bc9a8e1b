import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * This process's event-loop utilisation (0–1: the share of time the loop was busy), sampled every
 * `periodMs` and smoothed over about `smoothing` samples. An api that scores inline does its
 * scoring on the same loop that parses every request: once it is nearly always busy, each inline
 * score delays every request behind it. Smoothed, because a single 100 ms sample swings with a
 * garbage collection or a metrics scrape (bench/load.ts: 0.83 median, 0.94 at worst at 500 risk
 * calls/s, which needs no shedding).
 */
export class EventLoopLoad {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly timer: NodeJS.Timeout;
  utilization = 0;

  /** `onSample` gets each new (smoothed) value, e.g. for a gauge. */
  constructor(periodMs = 100, smoothing = 4, onSample?: (utilization: number) => void) {
    const weight = 1 / smoothing;
    // A busy loop runs the timer late: the sample then covers the whole busy stretch.
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      const sample = performance.eventLoopUtilization(now, this.last).utilization;
      this.utilization += weight * (sample - this.utilization);
      this.last = now;
      onSample?.(this.utilization);
    }, periodMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The share of inline risk calls to shed. Two signals must agree: the loop is nearly always busy
 * (past `limit`), and inline scores have started to take longer than `targetMs` (a smoothed
 * duration). The loop alone cannot tell: at 500 calls/s it runs at 0.85 with a p99 of 30–60 ms
 * and needs no shedding, and at 1,000/s it is at 1.0 with latency climbing (bench/load.ts). Past
 * both, the share rises with how far the duration is over its target, so the scores that still
 * run settle near it; it stops at 95 %, as only scores that run keep the duration current.
 */
export function inlineShedShare(
  load: { utilization: number; recentMs: number },
  limit: number,
  targetMs: number,
): number {
  if (limit >= 1 || load.utilization <= limit || load.recentMs <= targetMs) return 0;
  return Math.min(MAX_SHED_SHARE, (load.recentMs - targetMs) / targetMs);
}

export const MAX_SHED_SHARE = 0.95;

/** A moving average of inline score durations, over about `span` calls. */
export class RecentDuration {
  ms = 0;
  constructor(private readonly span = 50) {}
  add(ms: number): void {
    this.ms += (ms - this.ms) / this.span;
  }
}
