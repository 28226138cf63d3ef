import type { Db } from '../open-db';
import { migration0001 } from './0001-initial';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [migration0001];
