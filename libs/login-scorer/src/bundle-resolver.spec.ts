import { Job } from 'bullmq';
import type { BundleRepository, StoredBundle } from '@kizuki/database';
import type { BundleWriter } from './bundle-writer';
import { BundleResolver } from './bundle-resolver';

// The race found by test/e2e/scoring.e2e-spec.ts under load: the score job's load misses the bundle,
// then its ingest job finishes and leaves Redis before the score job looks there.
describe('BundleResolver.fromIngestQueue', () => {
  const tenant = '11111111-1111-4111-8111-111111111111';
  const stored: StoredBundle = {
    id: 'b1',
    receivedAt: new Date(),
    ip: null,
    userAgent: null,
    origin: null,
    payload: { v: 1 },
  };
  const make = (find: jest.Mock, store = jest.fn()) => {
    const resolver = Object.create(BundleResolver.prototype) as BundleResolver;
    Object.assign(resolver, {
      bundles: { find } as unknown as BundleRepository,
      writer: { store } as unknown as BundleWriter,
      ingestQueue: {},
    });
    return { resolver, store };
  };
  afterEach(() => jest.restoreAllMocks());

  it('looks in PostgreSQL again when the ingest job is gone (it finished in between)', async () => {
    jest.spyOn(Job, 'fromId').mockResolvedValue(undefined);
    const find = jest.fn().mockResolvedValue(stored);
    const { resolver } = make(find);
    await expect(resolver.fromIngestQueue(tenant, 'b1')).resolves.toBe(stored);
    expect(find).toHaveBeenCalledWith(tenant, 'b1');
  });

  const received = (bundleId: string, tenantId = tenant) => ({
    tenantId,
    bundleId,
    receivedAt: new Date().toISOString(),
    ip: null,
    userAgent: null,
    origin: null,
    bundle: { v: 1, id: bundleId },
  });

  it("stores a still-queued bundle itself, taken from its batch, and never takes another tenant's", async () => {
    const batch = { bundles: [received('b0'), received('b1'), received('b2', '22222222-2222-4222-8222-222222222222')] };
    const fromId = jest.spyOn(Job, 'fromId').mockResolvedValue({ data: batch } as unknown as Job);
    const { resolver, store } = make(jest.fn());
    await expect(resolver.fromIngestQueue(tenant, 'b1', 'batch-1')).resolves.toMatchObject({
      id: 'b1',
      payload: { v: 1, id: 'b1' },
    });
    expect(fromId).toHaveBeenLastCalledWith(expect.anything(), 'ingest-batch-1');
    expect(store).toHaveBeenCalledTimes(1);
    expect(store).toHaveBeenCalledWith(batch.bundles[1]);
    await expect(resolver.fromIngestQueue(tenant, 'b2', 'batch-1')).resolves.toBeNull();
    expect(store).toHaveBeenCalledTimes(1);
  });

  it(
    'finds the bundle of a job queued before batching ' + '(no batch id: the job carries one bundle, named by it)',
    async () => {
      const fromId = jest.spyOn(Job, 'fromId').mockResolvedValue({ data: received('b1') } as unknown as Job);
      const { resolver, store } = make(jest.fn());
      await expect(resolver.fromIngestQueue(tenant, 'b1')).resolves.toMatchObject({ id: 'b1' });
      expect(fromId).toHaveBeenLastCalledWith(expect.anything(), 'ingest-b1');
      expect(store).toHaveBeenCalledWith(expect.objectContaining({ bundleId: 'b1', tenantId: tenant }));
    },
  );

  it('looks in PostgreSQL when the batch is queued but does not hold the bundle', async () => {
    jest.spyOn(Job, 'fromId').mockResolvedValue({ data: { bundles: [received('b0')] } } as unknown as Job);
    const find = jest.fn().mockResolvedValue(stored);
    const { resolver, store } = make(find);
    await expect(resolver.fromIngestQueue(tenant, 'b1', 'batch-1')).resolves.toBe(stored);
    expect(store).not.toHaveBeenCalled();
  });
});
