// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000 } from './1764489600000-baseline';
import { AssessmentEvents1796403000000 } from './1796403000000-assessment-events';

export const MIGRATIONS = [Baseline1764489600000, AssessmentEvents1796403000000];
