// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000 } from './1764489600000-baseline';
import { ConsoleReview1796401500000 } from './1796401500000-console-review';

export const MIGRATIONS = [Baseline1764489600000, ConsoleReview1796401500000];
