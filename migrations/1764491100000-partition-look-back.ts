import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUN } from './1764490800000-partition-locks';

// Partition upkeep makes the partition before the current one as well as those ahead: a bundle
// day back, an assessments month back. The bundle lookup of kizuki_score_load reaches back two
// hours before the risk call, so from 00:00 to 02:00 UTC it names yesterday (on the first of a
// month, the last day of the one before); on a fresh database that day had no partition, and the
// lookup opened and locked signal_bundles_default instead. No churn with dropping: retention is at
// least a day, so the partition a unit back is never wholly before a cutoff.
// kizuki_partitions_run is derived from 1764490800000's text (the loop's range and its label);
// down() restores that text.
export class PartitionLookBack1764491100000 implements MigrationInterface {
  name = 'PartitionLookBack1764491100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(LOOK_BACK_RUN);
    // the partitions a unit back, at once (the worker's next upkeep would make them too)
    await q.query(`SELECT count(*) FROM kizuki_partitions_run(now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(RUN);
  }
}

/** Replaces the one occurrence of `find`; fails loudly if the earlier text does not hold it exactly once. */
function replaceOnce(text: string, find: string, by: string): string {
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0) throw new Error(`migration 1764491100000: expected one "${find}" in the earlier function body`);
  return text.slice(0, at) + by + text.slice(at + find.length);
}

const LOOK_BACK_RUN = [
  [
    `FOR s IN SELECT * FROM (VALUES ('signal_bundles', 'received_at', 'day', 7), ('assessments', 'created_at', 'month', 2))
                      AS t(parent, col, unit, ahead) LOOP
      FOR i IN 0..s.ahead LOOP`,
    // behind: the lookups that reach back (a bundle up to 2 hours before the risk call) find a
    // partition on the day and month's turn too, not the default one
    `FOR s IN SELECT * FROM (VALUES ('signal_bundles', 'received_at', 'day', 1, 7), ('assessments', 'created_at', 'month', 1, 2))
                      AS t(parent, col, unit, behind, ahead) LOOP
      FOR i IN -s.behind..s.ahead LOOP`,
  ],
  [`partition_name := s.parent || ' +' || i || ' ' || s.unit;`, `partition_name := s.parent || ' ' || to_char(i, 'SGFM999') || ' ' || s.unit;`],
].reduce((text, [find, by]) => replaceOnce(text, find, by), RUN);
