// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000 } from './1764489600000-baseline';
import { TenantKeys1796402960139 } from './1796402960139-tenant-keys';

export const MIGRATIONS = [Baseline1764489600000, TenantKeys1796402960139];
