import type { PgMigration } from './index';

/**
 * Labels get the same kind of local integer id facts have (0001's facts.id): the API contract
 * names labels by integer (Label.id, labels rename/merge), and the Postgres store must answer it.
 * Like facts.id it is not in the sync contract: GENERATED ALWAYS, never written by sync, local to
 * this Postgres. Existing labels are numbered when the column is added.
 */
export const labelIds: PgMigration = {
  version: 4,
  name: 'label-ids',
  async up(client) {
    await client.query('ALTER TABLE labels ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE');
  },
};
