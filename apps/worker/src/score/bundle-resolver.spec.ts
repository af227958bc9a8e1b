import { Job } from 'bullmq';
import type { BundleRepository, StoredBundle } from '@kizuki/database';
import type { IngestBundleJob } from '../ingest/ingest-bundle.job';
import { BundleResolver } from './bundle-resolver.service';

// The race found by test/e2e/scoring.e2e-spec.ts under load: the score job's load misses the bundle,
// then its ingest job finishes and leaves Redis before the score job looks there.
describe('BundleResolver.fromIngestQueue', () => {
  const tenant = '11111111-1111-4111-8111-111111111111';
  const stored: StoredBundle = { id: 'b1', receivedAt: new Date(), ip: null, userAgent: null, origin: null, payload: { v: 1 } };
  const make = (find: jest.Mock, store = jest.fn()) => {
    const resolver = Object.create(BundleResolver.prototype) as BundleResolver;
    Object.assign(resolver, { bundles: { find } as unknown as BundleRepository, ingest: { store } as unknown as IngestBundleJob, ingestQueue: {} });
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

  it('stores a still-queued bundle itself, and never takes another tenant\'s', async () => {
    const data = { tenantId: tenant, bundleId: 'b1', receivedAt: new Date().toISOString(), ip: null, userAgent: null, origin: null, bundle: { v: 1 } };
    jest.spyOn(Job, 'fromId').mockResolvedValue({ data } as unknown as Job);
    const { resolver, store } = make(jest.fn());
    await expect(resolver.fromIngestQueue(tenant, 'b1')).resolves.toMatchObject({ id: 'b1', payload: { v: 1 } });
    expect(store).toHaveBeenCalledWith(data);
    await expect(resolver.fromIngestQueue('22222222-2222-4222-8222-222222222222', 'b1')).resolves.toBeNull();
  });
});
