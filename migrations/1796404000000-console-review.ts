import type { MigrationInterface, QueryRunner } from 'typeorm';

// Issue #17 (console): display labels, the review queue and per-admin time zones.
//
// - accounts.display_label: the customer's optional user.email / user.name / user.label, sealed
//   (AES-256-GCM) under a key derived from KIZUKI_SECRET and the tenant id; display_label_keys
//   holds a keyed hash (HMAC, per tenant) of each normalised value, for exact search only. The
//   columns live on the account row, so erasing the account erases them.
// - tenants.display_labels: the tenant's switch (off: nothing is stored, stored labels are wiped).
// - assessments.assignee_id / review_note: the review queue's assignment and note (the label is
//   the existing assessments.label). The partial index is the queue itself: unlabelled logins the
//   policy did not allow (shadow mode included).
// - admins.time_zone: the console user's IANA time zone (null: the language's default).
export class ConsoleReview1796404000000 implements MigrationInterface {
  name = 'ConsoleReview1796404000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tenants ADD COLUMN display_labels boolean NOT NULL DEFAULT true;
      ALTER TABLE accounts ADD COLUMN display_label text,
        ADD COLUMN display_label_keys text[] NOT NULL DEFAULT '{}';
      CREATE INDEX accounts_display_label_keys ON accounts USING gin (display_label_keys);
      ALTER TABLE assessments ADD COLUMN assignee_id uuid, ADD COLUMN review_note text
        CHECK (length(review_note) <= 2000);
      CREATE INDEX assessments_review_queue ON assessments (tenant_id, created_at DESC, id DESC)
        WHERE label IS NULL AND (decision <> 'allow' OR policy_decision <> 'allow');
      CREATE INDEX assessments_assignee_time ON assessments (tenant_id, assignee_id, created_at DESC, id DESC)
        WHERE assignee_id IS NOT NULL;
      ALTER TABLE admins ADD COLUMN time_zone text CHECK (length(time_zone) <= 64);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE admins DROP COLUMN time_zone;
      DROP INDEX assessments_assignee_time;
      DROP INDEX assessments_review_queue;
      ALTER TABLE assessments DROP COLUMN review_note, DROP COLUMN assignee_id;
      DROP INDEX accounts_display_label_keys;
      ALTER TABLE accounts DROP COLUMN display_label_keys, DROP COLUMN display_label;
      ALTER TABLE tenants DROP COLUMN display_labels;
    `);
  }
}
