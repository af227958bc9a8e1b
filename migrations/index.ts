// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { InitialSchema1764489600000 } from './1764489600000-initial-schema';

export const MIGRATIONS = [InitialSchema1764489600000];
