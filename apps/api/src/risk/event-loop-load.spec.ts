import { EventLoopLoad, inlineShedShare, MAX_SHED_SHARE, RecentDuration } from './event-loop-load';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inlineShedShare', () => {
  const at = (utilization: number, recentMs: number) => inlineShedShare({ utilization, recentMs }, 0.85, 25);

  it("sheds nothing while the loop has room, however slow scores are: shedding can't relieve a slow dependency", () => {
    expect(at(0.5, 200)).toBe(0);
    expect(at(0.85, 200)).toBe(0);
  });

  it('sheds nothing on a busy loop while scores stay within their target', () => {
    expect(at(0.99, 20)).toBe(0);
    expect(at(0.99, 25)).toBe(0);
  });

  it('on a busy loop with slow scores, sheds in proportion to the excess, never all', () => {
    expect(at(0.99, 37.5)).toBeCloseTo(0.5);
    expect(at(1, 500)).toBe(MAX_SHED_SHARE);
    expect(MAX_SHED_SHARE).toBeLessThan(1);
  });

  it('a limit of 1 turns it off', () => {
    expect(inlineShedShare({ utilization: 1, recentMs: 500 }, 1, 25)).toBe(0);
  });
});

describe('RecentDuration', () => {
  it('follows the durations, a single slow one moving it a little', () => {
    const d = new RecentDuration(10);
    for (let i = 0; i < 100; i++) d.add(10);
    expect(d.ms).toBeCloseTo(10);
    d.add(110);
    expect(d.ms).toBeCloseTo(20);
    for (let i = 0; i < 100; i++) d.add(40);
    expect(d.ms).toBeCloseTo(40);
  });
});

describe('EventLoopLoad', () => {
  const busy = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end); // the loop does nothing else
  };

  it('reads a loop kept busy as nearly fully used, and an idle one as nearly unused', async () => {
    const seen: number[] = [];
    const load = new EventLoopLoad(20, 1, (u) => seen.push(u)); // unsmoothed: each sample as measured
    try {
      await sleep(100);
      expect(load.utilization).toBeLessThan(0.5);
      busy(100);
      await sleep(5); // the late timer fires now, its sample covering the busy stretch
      expect(load.utilization).toBeGreaterThan(0.7);
      await sleep(100);
      expect(load.utilization).toBeLessThan(0.5);
      // every sample is handed on (the api's gauge), the latest being the current value
      expect(seen.length).toBeGreaterThan(5);
      expect(seen[seen.length - 1]).toBe(load.utilization);
      expect(Math.max(...seen)).toBeGreaterThan(0.7);
    } finally {
      load.stop();
    }
  });

  it('smoothed, one busy stretch moves it part of the way; a loop that stays busy, all the way', async () => {
    const load = new EventLoopLoad(20, 4);
    try {
      await sleep(200);
      const idle = load.utilization;
      expect(idle).toBeLessThan(0.3);
      busy(40);
      await sleep(5);
      expect(load.utilization).toBeGreaterThan(idle + 0.1);
      expect(load.utilization).toBeLessThan(0.5); // a quarter of the way to 1
      for (let i = 0; i < 12; i++) {
        busy(30);
        await sleep(1);
      }
      expect(load.utilization).toBeGreaterThan(0.8);
    } finally {
      load.stop();
    }
  });
});
