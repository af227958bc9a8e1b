import { generateApiKey } from '@kizuki/crypto';
import type { ApiKeyRepository, ApiKeyRow } from '@kizuki/database';
import { ApiKeyService } from './api-key.service';

describe('ApiKeyService', () => {
  const generated = generateApiKey('secret');
  const row: ApiKeyRow = {
    id: 'k1',
    tenantId: '00000000-0000-4000-8000-000000000001',
    kind: 'secret',
    hash: generated.hash,
    origins: [],
    appIds: [],
    policy: {},
    expiresAt: null,
  };
  const repo = (r: ApiKeyRow | null) =>
    ({ findActiveByPrefix: jest.fn(async () => r) }) as unknown as ApiKeyRepository & {
      findActiveByPrefix: jest.Mock;
    };
  // the same prefix, another secret of the same length: only the hash can tell them apart
  const forged = `${generated.prefix}_${'A'.repeat(32)}`;
  /** the HTTP status an authentication ends with (200: accepted) */
  const status = (call: Promise<unknown>) =>
    call.then(
      () => 200,
      (e: { getStatus(): number }) => e.getStatus(),
    );
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z'), doNotFake: ['nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('accepts the key again from its cache entry, and still refuses another secret under its prefix', async () => {
    const keys = repo(row);
    const service = new ApiKeyService(keys);
    await expect(service.authenticate(generated.key, 'secret')).resolves.toMatchObject({ tenantId: row.tenantId });
    expect(await status(service.authenticate(forged, 'secret'))).toBe(401);
    await expect(service.authenticate(generated.key, 'secret')).resolves.toMatchObject({ tenantId: row.tenantId });
    expect(await status(service.authenticate(forged, 'secret'))).toBe(401);
    expect(keys.findActiveByPrefix).toHaveBeenCalledTimes(1);
  });

  it('refuses a forged key first seen before the real one, and the real key of another kind', async () => {
    const service = new ApiKeyService(repo(row));
    expect(await status(service.authenticate(forged, 'secret'))).toBe(401);
    await expect(service.authenticate(generated.key, 'secret')).resolves.toMatchObject({ tenantId: row.tenantId });
    expect(await status(service.authenticate(generated.key, 'publishable'))).toBe(401);
  });

  it('refuses a cached key once its rotation overlap has ended', async () => {
    const service = new ApiKeyService(repo({ ...row, expiresAt: new Date('2026-12-01T00:00:10Z') }));
    await expect(service.authenticate(generated.key, 'secret')).resolves.toMatchObject({ tenantId: row.tenantId });
    jest.setSystemTime(new Date('2026-12-01T00:00:10Z')); // within FRESH_MS: the cached row and key
    expect(await status(service.authenticate(generated.key, 'secret'))).toBe(401);
  });
});
