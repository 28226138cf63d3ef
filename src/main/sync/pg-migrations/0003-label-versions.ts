import type { PgMigration } from './index';

/**
 * Earlier states of labels (issue 6: the loser of a conflict is kept, not lost). A row is one
 * state a label had before it was renamed, lost a sync conflict or was merged into another, with
 * the version, edit time and device it had then. Rows are only ever inserted, under their own uid
 * (made by the device or the push that recorded them), so pushing or pulling one twice adds
 * nothing. They take change_seq from the sequence facts and labels share, so the one
 * "change_seq > cursor" pull brings them too.
 *
 * No foreign key to labels: a label merged away before it ever reached Postgres has history but
 * no row here, and a device may push a history row before the label it speaks of.
 * `merged_into` is the label a 'merged' one went into, so that label's history shows the names
 * of the labels it absorbed.
 */
export const labelVersions: PgMigration = {
  version: 3,
  name: 'label-versions',
  async up(client) {
    await client.query(`
      CREATE TABLE label_versions (
        uid uuid PRIMARY KEY,
        label_uid uuid NOT NULL,
        space text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        category text,
        version bigint NOT NULL,
        updated_at bigint NOT NULL,
        origin_device text NOT NULL,
        superseded_at bigint NOT NULL,
        reason text NOT NULL CHECK (reason IN ('renamed', 'conflict', 'merged')),
        merged_into uuid,
        change_seq bigint NOT NULL DEFAULT nextval('hippo_change_seq'),
        CHECK ((reason = 'merged') = (merged_into IS NOT NULL))
      );
      CREATE INDEX label_versions_label ON label_versions (label_uid);
      CREATE INDEX label_versions_merged_into ON label_versions (merged_into) WHERE merged_into IS NOT NULL;
      CREATE INDEX label_versions_change_seq ON label_versions (change_seq);
    `);
  },
};
