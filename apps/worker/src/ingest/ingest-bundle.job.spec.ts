import { UnrecoverableError, type Job } from 'bullmq';
import type { BundleRepository, StoredBundle } from '@kizuki/database';
import type { IngestBundleJobData, ReceivedBundle } from '@kizuki/queue';
import { BundleWriter } from '@kizuki/login-scorer';
import { IngestBundleJob } from './ingest-bundle.job';

describe('IngestBundleJob', () => {
  const tenant = '11111111-1111-4111-8111-111111111111';
  const received = (bundleId: string): ReceivedBundle => ({
    tenantId: tenant,
    bundleId,
    receivedAt: '2026-11-30T10:00:00.000Z',
    ip: '203.0.113.7',
    userAgent: null,
    origin: null,
    bundle: { v: 1 } as never,
  });
  const setup = () => {
    const stored: StoredBundle[] = [];
    const repo = {
      insertMany: async (_t: string, items: StoredBundle[]) => void stored.push(...items),
    } as unknown as BundleRepository;
    return { job: new IngestBundleJob(new BundleWriter(repo)), stored };
  };
  const run = (j: IngestBundleJob, data: unknown) => j.handle({ data } as Job<IngestBundleJobData>);

  it('stores every bundle of a batch, and the single bundle of a job from before batching', async () => {
    const { job, stored } = setup();
    await expect(run(job, { bundles: [received('b1'), received('b2')] })).resolves.toEqual({ stored: 2 });
    await expect(run(job, received('b3'))).resolves.toEqual({ stored: 1 });
    expect(stored.map((b) => b.id).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(stored[0]).toMatchObject({ receivedAt: new Date('2026-11-30T10:00:00.000Z'), payload: { v: 1 } });
  });

  it('a bundle lacking its id fails the job for good, but its batch-mates are stored', async () => {
    const { job, stored } = setup();
    const broken = { ...received('x'), bundleId: '' };
    await expect(run(job, { bundles: [received('b1'), broken, received('b2')] })).rejects.toThrow(UnrecoverableError);
    expect(stored.map((b) => b.id).sort()).toEqual(['b1', 'b2']);
    await expect(run(job, { bundles: [] })).rejects.toThrow(UnrecoverableError);
  });
});
