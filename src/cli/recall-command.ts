import { Command, Option } from 'commander';
import { RecallInput, parseInput, type RecallMode, type SearchResult } from '../shared/contract';
import { HippoError, toErrorPayload } from '../shared/errors';
import { oneLine, readInputFile, writeJson, writeOut } from './cli-io';
import { commandPath, type CommandContext } from './command-context';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { definedOnly, parseInteger, parseNumber } from './parse-options';
import { noteTextOnly } from './session';
import {
  addStoreOptions,
  resolveStore,
  withStoreSession,
  type StoreChoice,
  type StoreOptions,
} from './store-options';

interface RecallOptions extends StoreOptions {
  limit?: number;
  category?: string;
  label?: string;
  minConfidence?: number;
  asOf?: string;
  batch?: string;
  json?: boolean;
}

export interface RecallOutput {
  mode: RecallMode;
  results: SearchResult[];
}

export function recallCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('recall'))
    .summary('find the facts that best match QUERY, or run a --batch of queries')
    .description(
      'Find the facts that best match QUERY (the words given, joined by spaces), best first. ' +
        'With --batch FILE ("-" for stdin): one JSON object {"query", "limit"?, "category"?, "label"?, ' +
        '"minConfidence"?} a line in, one JSON array of results a line out, in the same order ' +
        '(blank lines skipped); options given on the command line are the defaults for every line.',
    )
    .argument('[query...]', 'what to look for')
    .addOption(new Option('-n, --limit <n>', 'most results (1-100, default 10)').argParser(parseInteger))
    .option('-c, --category <name>', 'only facts of this category')
    .option('-l, --label <name>', 'only facts with this label')
    .addOption(
      new Option('--min-confidence <x>', 'only facts with at least this confidence').argParser(parseNumber),
    )
    .option(
      '--as-of <date>',
      'answer from what was current then (ISO date or date-time): superseded and forgotten facts of that time too',
    )
    .option('--batch <file>', 'run every query of a JSONL file with the model loaded once')
    .option('--json', 'print {mode, results} as JSON')
    .action((words: string[], opts: RecallOptions, cmd: Command) =>
      ctx.run(cmd, async () => {
        const store = resolveStore(opts, ctx.io.env);
        const defaults = definedOnly({
          limit: opts.limit,
          category: opts.category,
          label: opts.label,
          minConfidence: opts.minConfidence,
          as_of: opts.asOf,
        });
        if (opts.batch !== undefined) {
          if (words.length > 0)
            throw new HippoError('BAD_INPUT', 'give either QUERY or --batch FILE, not both');
          return runBatch(ctx, cmd, store, opts.batch, defaults);
        }
        if (words.length === 0) throw new HippoError('BAD_INPUT', 'QUERY is missing (or use --batch FILE)');
        const query = words.join(' ');
        return withStoreSession(ctx.io, ctx.globals(cmd), store, { model: true }, async (s) => {
          const results = await s.memory.recall(query, undefined, defaults);
          if (opts.json) writeJson(ctx.io.stdout, { mode: s.memory.mode, results } satisfies RecallOutput);
          else ctx.io.stdout.write(formatResults(results));
          noteTextOnly(ctx.io, s);
          return EXIT_OK;
        });
      }),
    );
}

/** One line a result: rank, similarity (score in text-only mode), content, [category · label · #id]. */
export function formatResults(results: SearchResult[]): string {
  if (results.length === 0) return 'No matching facts.\n';
  return results
    .map((r, i) => {
      const value = (r.similarity ?? r.score).toFixed(3);
      const tags = [r.category, r.label_name ?? 'no label', `#${r.fact_id}`].join(' \u00b7 ');
      return `${String(i + 1).padStart(2)}. ${value}  ${oneLine(r.content)}  [${tags}]\n`;
    })
    .join('');
}

async function runBatch(
  ctx: CommandContext,
  cmd: Command,
  store: StoreChoice,
  file: string,
  defaults: Partial<RecallInput>,
): Promise<number> {
  const { io } = ctx;
  const where = file === '-' ? 'stdin' : file;
  const queries = parseBatch(await readInputFile(file, ctx.io.stdin), where, defaults);
  return withStoreSession(io, ctx.globals(cmd), store, { model: true }, async (s) => {
    const signal = queries.length > 0 ? io.trapInterrupt?.() : undefined;
    let done = 0;
    for (const q of queries) {
      if (signal?.aborted) {
        io.stderr.write(`${commandPath(cmd)}: interrupted after ${done} of ${queries.length} queries\n`);
        return EXIT_FAILURE;
      }
      const { query, context, ...filters } = q.input;
      let results: SearchResult[];
      try {
        results = await s.memory.recall(query, context, filters);
      } catch (e) {
        const { code, message } = toErrorPayload(e);
        throw new HippoError(code, `${where} line ${q.line}: ${message}`);
      }
      await writeOut(io.stdout, `${JSON.stringify(results)}\n`);
      done++;
    }
    noteTextOnly(io, s);
    return EXIT_OK;
  });
}

/** Validates every line before the first query runs, so a typo on line 900 costs nothing. */
function parseBatch(
  text: string,
  where: string,
  defaults: Partial<RecallInput>,
): Array<{ line: number; input: RecallInput }> {
  const out: Array<{ line: number; input: RecallInput }> = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (raw.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        throw new HippoError('BAD_INPUT', `${where} line ${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new HippoError(
          'BAD_INPUT',
          `${where} line ${i + 1}: must be a JSON object like {"query": "..."}`,
        );
      try {
        out.push({ line: i + 1, input: parseInput(RecallInput, { ...defaults, ...value }) });
      } catch (e) {
        throw new HippoError(
          'BAD_INPUT',
          `${where} line ${i + 1}: ${toErrorPayload(e).message.replace(/^input: /, '')}`,
        );
      }
    });
  return out;
}
