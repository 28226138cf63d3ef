import type { Db } from '../open-db';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-fact-changes';
import { migration0003 } from './0003-sync';
import { migration0004 } from './0004-label-versions';
import { migration0005 } from './0005-supersede';
import { migration0006 } from './0006-model-vectors';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
];
