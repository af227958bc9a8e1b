import { randomUUID } from 'node:crypto';
import { jobIds, JobName, type ReceivedBundle } from '@kizuki/queue';
import { IngestBatcher } from './ingest-batcher';
import type { JobProducer } from './job-producer';

// Bundles of one turn as ingest jobs, on a faked producer whose flush runs what the batcher hooked.
describe('IngestBatcher', () => {
  const make = (add: jest.Mock = jest.fn().mockResolvedValue({})) => {
    let hook: () => void = () => undefined;
    let flushes = 0;
    const jobs = {
      onFlush: (h: () => void) => (hook = h),
      scheduleFlush: () => {
        if (flushes++ === 0)
          setImmediate(() => {
            flushes = 0;
            hook();
          });
      },
      add,
    } as unknown as JobProducer;
    return { batcher: new IngestBatcher(jobs), add };
  };
  const received = (i: number): ReceivedBundle => ({
    tenantId: randomUUID(),
    bundleId: `b${i}`,
    receivedAt: new Date().toISOString(),
    ip: null,
    userAgent: null,
    origin: null,
    bundle: { v: 1 } as never,
  });

  it("puts one turn's bundles in jobs of at most MAX_BUNDLES_PER_JOB, each resolving with its batch id", async () => {
    const { batcher, add } = make();
    const n = IngestBatcher.MAX_BUNDLES_PER_JOB + 3;
    const bundles = Array.from({ length: n }, (_, i) => received(i));
    const batchIds = await Promise.all(bundles.map((b) => batcher.addBundle(b)));
    expect(add).toHaveBeenCalledTimes(2);
    const [[name, first, firstId], [, second, secondId]] = add.mock.calls;
    expect(name).toBe(JobName.IngestBundle);
    expect(first.bundles).toEqual(bundles.slice(0, IngestBatcher.MAX_BUNDLES_PER_JOB));
    expect(second.bundles).toEqual(bundles.slice(IngestBatcher.MAX_BUNDLES_PER_JOB));
    expect(new Set(batchIds.slice(0, IngestBatcher.MAX_BUNDLES_PER_JOB))).toEqual(new Set([batchIds[0]]));
    expect(firstId).toBe(jobIds.ingest(batchIds[0]));
    expect(secondId).toBe(jobIds.ingest(batchIds[n - 1]));
    expect(batchIds[0]).not.toBe(batchIds[n - 1]);
  });

  it('starts a new job for the next turn', async () => {
    const { batcher, add } = make();
    const a = await batcher.addBundle(received(1));
    const b = await batcher.addBundle(received(2));
    expect(add).toHaveBeenCalledTimes(2);
    expect(a).not.toBe(b);
  });

  it('fails the bundles of a job Redis refused', async () => {
    const { batcher } = make(jest.fn().mockRejectedValue(new Error('Redis down')));
    await expect(Promise.all([batcher.addBundle(received(1)), batcher.addBundle(received(2))])).rejects.toThrow(
      'Redis down',
    );
  });
});
