// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000, TENANT_TABLES as BASELINE_TENANT_TABLES } from './1764489600000-baseline';
import { AssessmentEvents1796403000000 } from './1796403000000-assessment-events';
import {
  BreachedPasswordsDocuments1796403600000,
  DOCUMENT_TENANT_TABLES,
} from './1796403600000-breached-passwords-documents';

export const MIGRATIONS = [
  Baseline1764489600000,
  AssessmentEvents1796403000000,
  BreachedPasswordsDocuments1796403600000,
];

/** Every table that carries tenant_id, across all migrations (row-level security binds each). */
export const TENANT_TABLES = [...BASELINE_TENANT_TABLES, ...DOCUMENT_TENANT_TABLES];
