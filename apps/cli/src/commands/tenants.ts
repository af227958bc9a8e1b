import type { DataSource } from 'typeorm';
import { generateApiKey } from '@kizuki/crypto';
import { ApiKeyRepository, TenantRepository } from '@kizuki/database';

export interface CreatedTenant {
  tenantId: string;
  publishableKey: string;
  secretKey: string;
}

/** Creates a tenant with one publishable and one secret key; the keys exist in clear only in the result. */
export async function createTenant(db: DataSource, name: string, origins: string[]): Promise<CreatedTenant> {
  for (const origin of origins) {
    const u = new URL(origin);
    if (u.origin !== origin) throw new Error(`--origin ${origin} must be an origin like https://shop.example (no path or trailing slash)`);
  }
  return db.transaction(async (m) => {
    const tenant = await new TenantRepository(m).create({ name, origins });
    const keys = new ApiKeyRepository(m);
    const pk = generateApiKey('publishable');
    const sk = generateApiKey('secret');
    await keys.create(tenant.id, { kind: 'publishable', prefix: pk.prefix, hash: pk.hash });
    await keys.create(tenant.id, { kind: 'secret', prefix: sk.prefix, hash: sk.hash });
    return { tenantId: tenant.id, publishableKey: pk.key, secretKey: sk.key };
  });
}
