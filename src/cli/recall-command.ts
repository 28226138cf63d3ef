import { Command, Option } from 'commander';
import {
  RecallInput,
  parseInput,
  type RecallResponse,
  type RecallTimeRead,
  type SearchResult,
} from '../shared/contract';
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
import { shownText } from '../shared/snippet';

interface RecallOptions extends StoreOptions {
  limit?: number;
  category?: string;
  label?: string;
  minConfidence?: number;
  context?: string;
  since?: string;
  until?: string;
  referenceDate?: string;
  timeZone?: string;
  timeWords?: boolean;
  explain?: boolean;
  asOf?: string;
  batch?: string;
  json?: boolean;
}

/** What `hippo recall --json` prints: the HTTP API's recall response. */
export type RecallOutput = RecallResponse;

/** A --since/--until/--reference-date value: epoch ms when all digits, else the ISO text. */
function timestampOption(value: string): string | number {
  return /^\d+$/.test(value.trim()) ? Number(value) : value;
}

export function recallCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('recall'))
    .summary('find the facts that best match QUERY, or run a --batch of queries')
    .description(
      'Find the facts that best match QUERY (the words given, joined by spaces), best first. ' +
        'Time words in QUERY ("yesterday", "last week", "in May 2023", "since 2023") keep to facts ' +
        'created then (the first line says how they were read; --no-time-words to search them as words). ' +
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
    .option('--context <text>', 'surrounding text (e.g. the conversation) that sharpens the query')
    .option('--since <when>', 'only facts created at or after this ISO date(-time) or epoch ms')
    .option('--until <when>', 'only facts created at or before this ISO date(-time) or epoch ms')
    .option(
      '--reference-date <when>',
      'read time words ("yesterday", "last week", "in May 2023") against this date instead of now',
    )
    .option('--time-zone <zone>', "IANA time zone for time words (default: this machine's)")
    .option('--no-time-words', 'search time words as plain words instead of as a time window')
    .option('--explain', 'show under each result why it matched')
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
          since: opts.since === undefined ? undefined : timestampOption(opts.since),
          until: opts.until === undefined ? undefined : timestampOption(opts.until),
          reference_date: opts.referenceDate === undefined ? undefined : timestampOption(opts.referenceDate),
          time_zone: opts.timeZone,
          time_words: opts.timeWords === false ? false : undefined,
          explain: opts.explain,
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
          const out = await s.memory.recallDetailed(query, opts.context, defaults);
          if (opts.json) writeJson(ctx.io.stdout, out satisfies RecallOutput);
          else ctx.io.stdout.write(formatTimeRead(out.time) + formatResults(out.results));
          noteTextOnly(ctx.io, s);
          return EXIT_OK;
        });
      }),
    );
}

/**
 * One line a result: rank, similarity (score in text-only mode), content (its best passage when
 * long), [category · label · #id].
 */
export function formatResults(results: SearchResult[]): string {
  if (results.length === 0) return 'No matching facts.\n';
  return results
    .map((r, i) => {
      const value = (r.similarity ?? r.score).toFixed(3);
      const tags = [r.category, r.label_name ?? 'no label', `#${r.fact_id}`].join(' \u00b7 ');
      const line = `${String(i + 1).padStart(2)}. ${value}  ${oneLine(shownText(r))}  [${tags}]\n`;
      return r.explain ? line + formatExplain(r) : line;
    })
    .join('');
}

/** The line saying which words were read as which time window, or nothing. */
export function formatTimeRead(time: RecallTimeRead | undefined): string {
  if (!time) return '';
  const phrases = time.phrases.map((p) => `"${p.phrase}"`).join(' and ');
  const searched = time.query ? `searching "${time.query}"` : 'newest first';
  return `Time: ${phrases} = ${span(time.since, time.until)} (${time.time_zone}); ${searched}\n`;
}

function span(since: string | null, until: string | null): string {
  if (since && until) return `${since} to ${until} (exclusive)`;
  if (since) return `from ${since}`;
  if (until) return `before ${until}`;
  return 'any time';
}

const f4 = (x: number) => x.toFixed(4);

/** `--explain`: the parts of a result's score, indented under it. */
export function formatExplain(r: SearchResult): string {
  const e = r.explain!;
  const pad = '      ';
  if (e.by_recency) return `${pad}listed by recency (created ${r.created_at})\n`;
  const parts = [
    `words: ${matchedList(e)}`,
    e.words
      ? `text rank ${e.words.rank}${e.words.proximity ? ', words close together' : ''} (+${f4(e.words.contribution)})`
      : 'text: no match',
    e.vector
      ? `vector rank ${e.vector.rank}, similarity ${e.vector.similarity.toFixed(3)} (+${f4(e.vector.contribution)})`
      : 'vector: not ranked',
  ];
  if (e.context) parts.push(`context rank ${e.context.rank} (+${f4(e.context.contribution)})`);
  const boosts = `boosts recency +${e.boosts.recency.toFixed(6)}, confidence +${e.boosts.confidence.toFixed(6)}`;
  return `${pad}${parts.join(' \u00b7 ')}\n${pad}${boosts} \u00b7 score ${e.score.toFixed(6)} \u00b7 created ${r.created_at}\n`;
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

/** The query's words found in the fact, then those read as another word ("lisb → lisbon"). */
function matchedList(e: NonNullable<SearchResult['explain']>): string {
  const words = [...e.matched_words, ...(e.expanded_words ?? []).map((x) => `${x.word} \u2192 ${x.as}`)];
  return words.length > 0 ? words.join(', ') : '(none)';
}
