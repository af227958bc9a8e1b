// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { Baseline1764489600000, TENANT_TABLES as BASELINE_TENANT_TABLES } from './1764489600000-baseline';
import {
  BreachedPasswordsDocuments1796401637707,
  DOCUMENT_TENANT_TABLES,
} from './1796401637707-breached-passwords-documents';
import { AppIds1796401977276 } from './1796401977276-app-ids';
import { AssessmentEvents1796403000000 } from './1796403000000-assessment-events';
import { TenantKeys1796403708716 } from './1796403708716-tenant-keys';
import { ConsoleReview1796404000000 } from './1796404000000-console-review';
import { CONSOLE_ROLLUP_TABLES, ConsoleRollup1796405000000 } from './1796405000000-console-rollup';
import { CONSOLE_DAYS_TABLES, ConsoleDays1796406000000 } from './1796406000000-console-days';
import { ScoreRedundantFks1796408000000 } from './1796408000000-score-redundant-fks';
import { IP_SUMMARY_TABLES, IpSummary1796407000000 } from './1796407000000-ip-summary';

export const MIGRATIONS = [
  Baseline1764489600000,
  BreachedPasswordsDocuments1796401637707,
  AppIds1796401977276,
  AssessmentEvents1796403000000,
  TenantKeys1796403708716,
  ConsoleReview1796404000000,
  ConsoleRollup1796405000000,
  ConsoleDays1796406000000,
  IpSummary1796407000000,
  ScoreRedundantFks1796408000000,
];

/** Every table that carries tenant_id, across all migrations (row-level security binds each). */
export const TENANT_TABLES = [
  ...BASELINE_TENANT_TABLES,
  ...DOCUMENT_TENANT_TABLES,
  ...CONSOLE_ROLLUP_TABLES,
  ...CONSOLE_DAYS_TABLES,
  ...IP_SUMMARY_TABLES,
];
