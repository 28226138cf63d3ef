import path from 'node:path';
import { createNodeEmbedder, type EmbedderClient } from '../main/embedder/embedder-client';
import type { EngineStore } from '../main/engine-store';
import { Memory } from '../main/memory/memory';
import { defaultDbPath } from '../main/paths';
import { oneLine, type CliIo } from './cli-io';

/** The global options every command accepts. */
export interface GlobalOptions {
  db?: string;
  space?: string;
}

export interface Session {
  memory: Memory;
  /** Null for commands that never embed (list, labels, forget, restore, export). */
  embedder: EmbedderClient | null;
}

export function resolveDbPath(globals: GlobalOptions, io: CliIo): string {
  return globals.db?.trim() ? path.resolve(globals.db) : defaultDbPath(io.env);
}

/**
 * Opens the memory (and, when the command embeds, the model) for one command and closes both
 * afterwards, whatever happens. The model is loaded at most once per command, so `recall --batch`
 * pays for it once.
 */
export async function withSession<T>(
  io: CliIo,
  globals: GlobalOptions,
  opts: { model: boolean },
  run: (s: Session) => Promise<T>,
): Promise<T> {
  // Memory.open attaches its embedding-cache table to the embedder, so vectors outlive the command.
  const embedder = opts.model ? createNodeEmbedder({ env: io.env }) : null;
  let memory: Memory | null = null;
  try {
    memory = Memory.open({ dbPath: resolveDbPath(globals, io), embedder, space: globals.space });
    const result = await run({ memory, embedder });
    // Also while a model switch re-embeds (recall is text-only then, but the model runs).
    if (memory.mode === 'hybrid' || memory.reembedding !== null) await catchUpEmbeddings(io, memory);
    return result;
  } finally {
    await memory?.close();
    await embedder?.close();
  }
}

/** How long one command may spend embedding facts stored while the model was missing. */
const CATCH_UP_MS = 2000;

/**
 * A command is a short-lived process, so "in the background" means a bounded slice after the
 * command's own work (its output is already written): facts stored in text-only mode get their
 * vectors over the next few commands, or all at once with `hippo model fetch`.
 */
export async function catchUpEmbeddings(io: CliIo, memory: Pick<EngineStore, 'embedPending'>): Promise<void> {
  const { done, total } = await memory.embedPending({ maxMs: CATCH_UP_MS });
  if (io.isTTY && total > 0 && done < total)
    io.stderr.write(`hippo: embedded ${done} of ${total} facts stored without the model; the rest follow.\n`);
}

/**
 * On a terminal, one line on stderr when the model is missing or broken: results come from words
 * only until `hippo model fetch`. Scripts read "mode" from --json instead.
 */
export function noteTextOnly(
  io: CliIo,
  s: Pick<Session, 'embedder'> & { memory: Pick<EngineStore, 'mode'> },
): void {
  if (!io.isTTY || s.memory.mode !== 'text-only') return;
  if (s.embedder?.modelId && !s.embedder.lastError) {
    // The model runs: the database re-embeds after a model switch, and recall waits for it.
    io.stderr.write(
      'hippo: text-only mode while the facts are embedded again after a model switch; ' +
        'run `hippo model use <name>` to finish it now.\n',
    );
    return;
  }
  const err = s.embedder?.lastError;
  const why =
    err && err.code !== 'MODEL_MISSING'
      ? `the embedding model failed to load (${oneLine(err.message)})`
      : 'no embedding model is installed';
  io.stderr.write(
    `hippo: text-only mode: ${why}, so facts are matched by their words only. ` +
      'Run `hippo model fetch` to enable meaning-based recall.\n',
  );
}
