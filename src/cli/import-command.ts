import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import type { EngineStore } from '../main/engine-store';
import { Memory } from '../main/memory/memory';
import { contentHash } from '../main/memory/normalize-content';
import type { EncodeResult, ImportSummary, RecallMode } from '../shared/contract';
import { HippoError, toErrorPayload } from '../shared/errors';
import { readInputFile, writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { commandPath } from './command-context';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { ImportCheckpoint } from './import-checkpoint';
import {
  detectFormat,
  errorPlace,
  IMPORT_FORMATS,
  parseImport,
  type LineError,
  type SpeakerNames,
} from './import-parsers';
import { importVault, readVault, vaultName, type FileError, type VaultSummary } from './import-vault';
import { progressBar, type Progress } from './progress-bar';
import { resolveDbPath, noteTextOnly } from './session';
import {
  addStoreOptions,
  resolveStore,
  withStoreSession,
  type StoreChoice,
  type StoreOptions,
} from './store-options';

interface ImportOptions extends StoreOptions {
  format?: string;
  skipInvalid?: boolean;
  json?: boolean;
  userName?: string;
  assistantName?: string;
  vaultName?: string;
}

export type ImportOutput = ImportSummary & {
  errors?: LineError[];
  mode: RecallMode;
  /** Records an earlier, interrupted run of the same import had written (the counts include them). */
  resumed?: number;
};

/** `hippo import <folder> --json`. */
export type FolderImportOutput = VaultSummary & { errors?: FileError[]; mode: RecallMode };

/** Facts per transaction: small enough that Ctrl-C waits little, big enough to batch embeddings well. */
export const IMPORT_CHUNK_SIZE = 500;

export function importCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('import'))
    .summary('import facts from a JSONL, text, markdown or chat file, or a folder of notes')
    .description(
      'Import facts from FILE ("-" for stdin). jsonl: one encode input or exported record a line; ' +
        'text: one fact a line; markdown: one fact a list item; chat: one {speaker, text, timestamp, ' +
        "conversation?} turn a line; chatgpt / claude: their data export's conversations.json, one fact " +
        'a message. A FOLDER is read as markdown notes (an Obsidian vault): one fact a paragraph or ' +
        'list item, and importing it again updates those facts. Any invalid line stops the import ' +
        'before anything is written, unless --skip-invalid. An interrupted import resumes where it ' +
        'stopped when run again.',
    )
    .argument(
      '<file>',
      "file or folder to import; a file's extension (and content) picks the format unless --format is given",
    )
    .addOption(new Option('-f, --format <format>', 'format of FILE').choices(IMPORT_FORMATS))
    .option('--skip-invalid', 'import the valid lines and report the invalid ones as failed')
    .option('--user-name <name>', 'name of "user" turns in ChatGPT and Claude exports (default "me")')
    .option('--assistant-name <name>', 'name of "assistant" turns (default "ChatGPT" or "Claude")')
    .option('--vault-name <name>', "name of a notes folder in sources (default: the folder's name)")
    .option(
      '--json',
      'print {created, duplicate, merged, failed, errors?, mode, resumed?} as JSON (a folder adds files, updated, forgotten)',
    )
    .action((file: string, opts: ImportOptions, cmd: Command) =>
      ctx.run(cmd, async () => {
        const store = resolveStore(opts, ctx.io.env);
        if (file !== '-' && (await isFolder(file))) return importFolder(ctx, cmd, file, opts, store);
        return importFile(ctx, cmd, file, opts, store);
      }),
    );
}

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isDirectory();
  } catch {
    return false; // readInputFile says why
  }
}

function speakerNames(opts: ImportOptions): SpeakerNames {
  const names: SpeakerNames = {};
  for (const [key, flag] of [
    ['user', 'userName'],
    ['assistant', 'assistantName'],
  ] as const) {
    const given = opts[flag];
    if (given === undefined) continue;
    const name = given.trim();
    if (name === '' || name.length > 100)
      throw new HippoError(
        'BAD_INPUT',
        `--${key}-name: must be 1-100 characters, got ${JSON.stringify(given)}`,
      );
    names[key] = name;
  }
  return names;
}

async function importFile(
  ctx: CommandContext,
  cmd: Command,
  file: string,
  opts: ImportOptions,
  store: StoreChoice,
): Promise<number> {
  const { io } = ctx;
  if (file === '-' && opts.format === undefined)
    throw new HippoError('BAD_INPUT', `reading stdin ("-") needs --format ${IMPORT_FORMATS.join('|')}`);
  const names = speakerNames(opts);
  const text = await readInputFile(file, ctx.io.stdin);
  const format = detectFormat(file, opts.format, text);
  const parsed = parseImport(text, format, names);
  const where = file === '-' ? 'stdin' : file;
  if (parsed.errors.length > 0 && !opts.skipInvalid) {
    const first = parsed.errors[0]!;
    const more =
      parsed.errors.length > 1
        ? ` (and ${parsed.errors.length - 1} more invalid ${first.at ? 'records' : 'lines'})`
        : '';
    throw new HippoError(
      'BAD_INPUT',
      `${where} ${errorPlace(first)}: ${first.message}${more}; nothing was imported (--skip-invalid imports the valid ${first.at ? 'records' : 'lines'})`,
    );
  }

  const globals = ctx.globals(cmd);
  return withStoreSession(io, globals, store, { model: true }, async (s) => {
    const records = parsed.records.map((r) => r.record);
    const target = store.kind === 'sqlite' ? resolveDbPath(globals, io) : store.url;
    const checkpoint = ImportCheckpoint.for(
      io.env,
      [store.kind, target, s.memory.space, format, names, opts.skipInvalid === true],
      text,
    );
    let earlier = records.length > 0 ? checkpoint.load(records.length) : null;
    if (earlier && !(await stillHolds(s.memory, earlier.probe))) earlier = null;
    const resumed = earlier?.done ?? 0;
    const counts: Record<EncodeResult['status'], number> = earlier?.counts ?? {
      created: 0,
      duplicate: 0,
      merged: 0,
    };
    if (resumed > 0)
      io.stderr.write(
        `${commandPath(cmd)}: resuming: an earlier run imported ${resumed} of ${records.length} facts from ${where}; importing the rest\n`,
      );
    const rest = records.slice(resumed);
    const signal = rest.length > 0 ? io.trapInterrupt?.() : undefined;
    const chunkSize = Math.max(1, io.importChunkSize ?? IMPORT_CHUNK_SIZE);
    const bar = progressBar(io.stderr, io.isTTY, records.length, 'facts');
    let done = resumed;
    bar.update(done);
    try {
      // Each chunk is one transaction: an interrupt or a failure keeps whole chunks only, and the
      // checkpoint saved after each lets the next run start after it.
      const onChunk = (results: EncodeResult[]) => {
        for (const r of results) counts[r.status]++;
        done += results.length;
        const probe = { id: results.at(-1)!.id, hash: contentHash(records[done - 1]!.content) };
        checkpoint.save({ done, total: records.length, counts, probe });
        bar.update(done);
      };
      if (s.memory instanceof Memory) {
        // SQLite embeds the next chunk while it writes this one.
        await s.memory.importInChunks(rest, { chunkSize, signal, onChunk });
      } else {
        while (done < records.length && !signal?.aborted)
          onChunk(await s.memory.importRecords(records.slice(done, done + chunkSize)));
      }
    } catch (e) {
      if (done === 0) throw e;
      const { code, message } = toErrorPayload(e);
      throw new HippoError(
        code,
        `${message} (${done} of ${records.length} facts were imported before this; running the same import again resumes there)`,
      );
    } finally {
      bar.stop();
    }
    const mode = records.length > 0 ? s.memory.mode : (await s.embedder?.ready()) ? 'hybrid' : 'text-only';
    noteTextOnly(io, s);

    if (done < records.length) {
      io.stderr.write(
        `${commandPath(cmd)}: interrupted: ${done} of ${records.length} facts from ${where} were imported ` +
          `(${counts.created} created, ${counts.duplicate} duplicate, ${counts.merged} merged); ` +
          'the rest was not. Running the same import again resumes where this one stopped.\n',
      );
      return EXIT_FAILURE;
    }
    checkpoint.clear();
    for (const e of parsed.errors)
      io.stderr.write(`${commandPath(cmd)}: ${where} ${errorPlace(e)} skipped: ${e.message}\n`);
    const out: ImportOutput = { ...counts, failed: parsed.errors.length, mode };
    if (parsed.errors.length > 0) out.errors = parsed.errors;
    if (resumed > 0) out.resumed = resumed;
    if (opts.json) writeJson(io.stdout, out);
    else
      io.stdout.write(
        `Imported ${where} (${format}): ${out.created} created, ${out.duplicate} duplicate, ` +
          `${out.merged} merged, ${out.failed} failed` +
          (resumed > 0 ? ` (counting the ${resumed} facts an earlier run imported)` : '') +
          '\n',
      );
    return EXIT_OK;
  });
}

/** The store still has the fact a saved import progress ends at, with the wording it had then. */
async function stillHolds(store: EngineStore, probe: { id: number; hash: string }): Promise<boolean> {
  try {
    return contentHash((await store.get(probe.id)).content) === probe.hash;
  } catch {
    return false; // gone: the database was replaced, or the fact deleted for good
  }
}

async function importFolder(
  ctx: CommandContext,
  cmd: Command,
  folder: string,
  opts: ImportOptions,
  store: StoreChoice,
): Promise<number> {
  const { io } = ctx;
  if (opts.format !== undefined && opts.format !== 'markdown')
    throw new HippoError(
      'BAD_INPUT',
      `"${folder}" is a folder: folders are imported as markdown notes, so --format ${opts.format} does not apply`,
    );
  const name = vaultName(folder, opts.vaultName);
  const vault = await readVault(folder, name);
  if (vault.errors.length > 0 && !opts.skipInvalid) {
    const first = vault.errors[0]!;
    throw new HippoError(
      'BAD_INPUT',
      `${folder}: ${first.file}: ${first.message}; nothing was imported (--skip-invalid imports the other notes)`,
    );
  }
  return withStoreSession(io, ctx.globals(cmd), store, { model: true }, async (s) => {
    const signal = io.trapInterrupt?.();
    let bar: Progress | null = null;
    let result: Awaited<ReturnType<typeof importVault>>;
    try {
      result = await importVault(s.memory, name, vault.blocks, {
        chunkSize: Math.max(1, io.importChunkSize ?? IMPORT_CHUNK_SIZE),
        signal,
        unreadable: vault.errors.map((e) => e.file),
        onProgress: (done, total) => {
          bar ??= progressBar(io.stderr, io.isTTY, total, 'paragraphs');
          bar.update(done);
        },
      });
    } finally {
      (bar as Progress | null)?.stop();
    }
    noteTextOnly(io, s);
    const { summary } = result;
    const tally =
      `${summary.created} created, ${summary.updated} updated, ${summary.duplicate} duplicate, ` +
      `${summary.merged} merged, ${summary.forgotten} forgotten`;
    if (!result.complete) {
      io.stderr.write(
        `${commandPath(cmd)}: interrupted: ${folder} was imported in part (${tally}). ` +
          'Running the same import again finishes it (what is in already counts as duplicate).\n',
      );
      return EXIT_FAILURE;
    }
    for (const e of vault.errors)
      io.stderr.write(`${commandPath(cmd)}: ${folder}: ${e.file} skipped: ${e.message}\n`);
    const out: FolderImportOutput = {
      files: vault.files.length - vault.errors.length,
      ...summary,
      failed: vault.errors.length,
      mode: s.memory.mode,
    };
    if (vault.errors.length > 0) out.errors = vault.errors;
    if (opts.json) writeJson(io.stdout, out);
    else
      io.stdout.write(
        `Imported ${folder} (markdown notes of vault "${name}", ${out.files} files): ${tally}, ${out.failed} failed\n`,
      );
    return EXIT_OK;
  });
}
