import { Option, type Command } from 'commander';
import { createNodeEmbedder, type EmbedderClient } from '../main/embedder/embedder-client';
import type { EngineStore } from '../main/engine-store';
import { PostgresStore } from '../main/sync/postgres-store';
import { HippoError } from '../shared/errors';
import type { CliIo } from './cli-io';
import { catchUpEmbeddings, withSession, type GlobalOptions } from './session';

export type { EngineStore } from '../main/engine-store';

/** --store and --pg, as commander gives them. */
export interface StoreOptions {
  store?: 'sqlite' | 'postgres';
  pg?: string;
}

export type StoreChoice = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface StoreSession {
  memory: EngineStore;
  embedder: EmbedderClient | null;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--store <kind>',
        'where facts live: the local SQLite file (default) or a Postgres server',
      ).choices(['sqlite', 'postgres']),
    )
    .option(
      '--pg <url>',
      'Postgres server for --store postgres (default: $HIPPO_PG_URL); implies --store postgres',
    );
}

/**
 * SQLite unless --store postgres or --pg says otherwise. HIPPO_PG_URL alone never switches the
 * store (sync reads it too); it only supplies the URL once Postgres is chosen.
 */
export function resolveStore(opts: StoreOptions, env: Record<string, string | undefined>): StoreChoice {
  const kind = opts.store ?? (opts.pg !== undefined ? 'postgres' : 'sqlite');
  if (kind === 'sqlite') {
    if (opts.pg !== undefined)
      throw new HippoError('BAD_INPUT', '--pg needs --store postgres, not --store sqlite');
    return { kind };
  }
  const url = (opts.pg ?? env.HIPPO_PG_URL ?? '').trim();
  if (!url)
    throw new HippoError(
      'BAD_INPUT',
      '--store postgres needs a server: give --pg postgres://user:password@host:5432/database or set HIPPO_PG_URL',
    );
  return { kind, url };
}

/** Opens the chosen store (and the model when asked) for one command, closing both afterwards. */
export async function withStoreSession<T>(
  io: CliIo,
  globals: GlobalOptions,
  choice: StoreChoice,
  opts: { model: boolean },
  run: (s: StoreSession) => Promise<T>,
): Promise<T> {
  if (choice.kind === 'sqlite') return withSession(io, globals, opts, run);
  const embedder = opts.model ? createNodeEmbedder({ env: io.env }) : null;
  let store: PostgresStore | null = null;
  try {
    store = await PostgresStore.open({ url: choice.url, embedder, space: globals.space });
    const result = await run({ memory: store, embedder });
    if (store.mode === 'hybrid') await catchUpEmbeddings(io, store);
    return result;
  } finally {
    await store?.close();
    await embedder?.close();
  }
}
