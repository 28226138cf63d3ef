import type { PoolClient } from 'pg';
import { initial } from './0001-initial';
import { bm25Terms } from './0002-bm25-terms';
import { labelVersions } from './0003-label-versions';
import { labelIds } from './0004-label-ids';
import { factAccess } from './0005-fact-access';
import { supersede } from './0006-supersede';

/** One numbered step of the Postgres schema; runs inside the runner's transaction. */
export interface PgMigration {
  version: number;
  name: string;
  up(client: PoolClient): Promise<void>;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  initial,
  bm25Terms,
  labelVersions,
  labelIds,
  factAccess,
  supersede,
];
