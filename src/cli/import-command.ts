import { Command, Option } from 'commander';
import { Memory } from '../main/memory/memory';
import type { EncodeResult, ImportSummary, RecallMode } from '../shared/contract';
import { HippoError, toErrorPayload } from '../shared/errors';
import { readInputFile, writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { commandPath } from './command-context';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import {
  detectFormat,
  IMPORT_FORMATS,
  parseImport,
  type ImportFormat,
  type LineError,
} from './import-parsers';
import { progressBar } from './progress-bar';
import { noteTextOnly } from './session';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

interface ImportOptions extends StoreOptions {
  format?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

export type ImportOutput = ImportSummary & { errors?: LineError[]; mode: RecallMode };

/** Facts per transaction: small enough that Ctrl-C waits little, big enough to batch embeddings well. */
export const IMPORT_CHUNK_SIZE = 500;

export function importCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('import'))
    .summary('import facts from a JSONL, text or markdown file')
    .description(
      'Import facts from FILE ("-" for stdin). jsonl: one encode input or exported record a line; ' +
        'text: one fact a line; markdown: one fact a list item. Any invalid line stops the import ' +
        'before anything is written, unless --skip-invalid.',
    )
    .argument('<file>', 'file to import; its extension picks the format unless --format is given')
    .addOption(new Option('-f, --format <format>', 'format of FILE').choices(IMPORT_FORMATS))
    .option('--skip-invalid', 'import the valid lines and report the invalid ones as failed')
    .option('--json', 'print {created, duplicate, merged, failed, errors?, mode} as JSON')
    .action((file: string, opts: ImportOptions, cmd: Command) =>
      ctx.run(cmd, async () => {
        const { io } = ctx;
        const store = resolveStore(opts, ctx.io.env);
        const format = formatOf(file, opts.format);
        const parsed = parseImport(await readInputFile(file, ctx.io.stdin), format);
        const where = file === '-' ? 'stdin' : file;
        if (parsed.errors.length > 0 && !opts.skipInvalid) {
          const first = parsed.errors[0]!;
          const more =
            parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more invalid lines)` : '';
          throw new HippoError(
            'BAD_INPUT',
            `${where} line ${first.line}: ${first.message}${more}; nothing was imported (--skip-invalid imports the valid lines)`,
          );
        }

        return withStoreSession(io, ctx.globals(cmd), store, { model: true }, async (s) => {
          const records = parsed.records.map((r) => r.record);
          const signal = records.length > 0 ? io.trapInterrupt?.() : undefined;
          const chunkSize = Math.max(1, io.importChunkSize ?? IMPORT_CHUNK_SIZE);
          const counts: Record<EncodeResult['status'], number> = { created: 0, duplicate: 0, merged: 0 };
          const bar = progressBar(io.stderr, io.isTTY, records.length, 'facts');
          let done = 0;
          try {
            // Each chunk is one transaction: an interrupt or a failure keeps whole chunks only.
            const onChunk = (results: EncodeResult[]) => {
              for (const r of results) counts[r.status]++;
              done += results.length;
              bar.update(done);
            };
            if (s.memory instanceof Memory) {
              // SQLite embeds the next chunk while it writes this one.
              await s.memory.importInChunks(records, { chunkSize, signal, onChunk });
            } else {
              while (done < records.length && !signal?.aborted)
                onChunk(await s.memory.importRecords(records.slice(done, done + chunkSize)));
            }
          } catch (e) {
            if (done === 0) throw e;
            const { code, message } = toErrorPayload(e);
            throw new HippoError(
              code,
              `${message} (${done} of ${records.length} facts were imported before this)`,
            );
          } finally {
            bar.stop();
          }
          const mode =
            records.length > 0 ? s.memory.mode : (await s.embedder?.ready()) ? 'hybrid' : 'text-only';
          noteTextOnly(io, s);

          if (done < records.length) {
            io.stderr.write(
              `${commandPath(cmd)}: interrupted: ${done} of ${records.length} facts from ${where} were imported ` +
                `(${counts.created} created, ${counts.duplicate} duplicate, ${counts.merged} merged); ` +
                'the rest was not. Importing the file again adds the rest (facts already in count as duplicates).\n',
            );
            return EXIT_FAILURE;
          }
          for (const e of parsed.errors)
            io.stderr.write(`${commandPath(cmd)}: ${where} line ${e.line} skipped: ${e.message}\n`);
          const out: ImportOutput = { ...counts, failed: parsed.errors.length, mode };
          if (parsed.errors.length > 0) out.errors = parsed.errors;
          if (opts.json) writeJson(io.stdout, out);
          else
            io.stdout.write(
              `Imported ${where} (${format}): ${out.created} created, ${out.duplicate} duplicate, ` +
                `${out.merged} merged, ${out.failed} failed\n`,
            );
          return EXIT_OK;
        });
      }),
    );
}

function formatOf(file: string, given: string | undefined): ImportFormat {
  if (file === '-' && given === undefined)
    throw new HippoError('BAD_INPUT', 'reading stdin ("-") needs --format jsonl|text|markdown');
  return detectFormat(file, given);
}
