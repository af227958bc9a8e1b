// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000 } from './1764489600000-baseline';
import { AppIds1796401977276 } from './1796401977276-app-ids';

export const MIGRATIONS = [Baseline1764489600000, AppIds1796401977276];
