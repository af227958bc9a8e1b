// Migrations are listed explicitly (not globbed) so bundled builds and tests run the same set.
import { InitialSchema1764489600000 } from './1764489600000-initial-schema';
import { AdminConsole1764489700000 } from './1764489700000-admin-console';
import { ScoringNetwork1764489800000 } from './1764489800000-scoring-network';
import { RowLevelSecurity1764489900000 } from './1764489900000-row-level-security';
import { Integrations1764490000000 } from './1764490000000-integrations';
import { WebhookSweep1764490100000 } from './1764490100000-webhook-sweep';
import { AccountNetworks1764490200000 } from './1764490200000-account-networks';
import { ScorePathFunctions1764490300000 } from './1764490300000-score-path-functions';
import { BundleStorageCost1764490400000 } from './1764490400000-bundle-storage-cost';
import { ScoreLoadOneSnapshot1764490500000 } from './1764490500000-score-load-one-snapshot';
import { TimePartitions1764490600000 } from './1764490600000-time-partitions';
import { ScoreOutbox1764490700000 } from './1764490700000-score-outbox';
import { PartitionLocks1764490800000 } from './1764490800000-partition-locks';
import { CanonicalIp1764490900000 } from './1764490900000-canonical-ip';
import { SealedTotpSecrets1764491000000 } from './1764491000000-sealed-totp-secrets';
import { PartitionLookBack1764491100000 } from './1764491100000-partition-look-back';

export const MIGRATIONS = [InitialSchema1764489600000, AdminConsole1764489700000, ScoringNetwork1764489800000, RowLevelSecurity1764489900000, Integrations1764490000000, WebhookSweep1764490100000, AccountNetworks1764490200000, ScorePathFunctions1764490300000, BundleStorageCost1764490400000, ScoreLoadOneSnapshot1764490500000, TimePartitions1764490600000, ScoreOutbox1764490700000, PartitionLocks1764490800000, CanonicalIp1764490900000, SealedTotpSecrets1764491000000, PartitionLookBack1764491100000];
