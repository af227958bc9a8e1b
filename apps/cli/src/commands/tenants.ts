import type { DataSource } from 'typeorm';
import { generateApiKey } from '@kizuki/crypto';
import { ApiKeyRepository, TenantRepository } from '@kizuki/database';

export interface CreatedTenant {
  tenantId: string;
  publishableKey: string;
  secretKey: string;
}

/** What `tenants create` says on stderr about the origins given, or null when there is nothing to say. */
export function originsWarning(origins: string[]): string | null {
  if (origins.length) return null;
  return (
    'warning: no --origin given: the publishable key works from no page ' +
    '(every POST /v1/collect answers 403 ORIGIN_NOT_ALLOWED); ' +
    'only server-side risk calls without a request token will work. ' +
    "Give the login page's origin, e.g. --origin https://shop.example"
  );
}

/** Creates a tenant with one publishable and one secret key; the keys exist in clear only in the result. */
export async function createTenant(db: DataSource, name: string, origins: string[]): Promise<CreatedTenant> {
  for (const origin of origins) {
    const u = new URL(origin);
    if (u.origin !== origin)
      throw new Error(`--origin ${origin} must be an origin like https://shop.example (no path or trailing slash)`);
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
