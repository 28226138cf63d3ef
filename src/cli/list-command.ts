import { Command, Option } from 'commander';
import type { Fact, ListResult } from '../shared/contract';
import { oneLine, writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { definedOnly, parseInteger, parseNumber } from './parse-options';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

interface ListOptions extends StoreOptions {
  limit?: number;
  offset?: number;
  category?: string;
  label?: string;
  minConfidence?: number;
  deleted?: 'exclude' | 'include' | 'only';
  asOf?: string;
  json?: boolean;
}

export function listCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('list'))
    .summary('list facts, newest first')
    .description('List facts, newest first.')
    .addOption(new Option('-n, --limit <n>', 'most facts (1-1000, default 50)').argParser(parseInteger))
    .addOption(new Option('--offset <n>', 'skip this many first (default 0)').argParser(parseInteger))
    .option('-c, --category <name>', 'only facts of this category')
    .option('-l, --label <name>', 'only facts with this label')
    .addOption(
      new Option('--min-confidence <x>', 'only facts with at least this confidence').argParser(parseNumber),
    )
    .addOption(
      new Option('--deleted <which>', 'forgotten facts: leave out, include, or show only them')
        .choices(['exclude', 'include', 'only'])
        .default('exclude'),
    )
    .option(
      '--as-of <date>',
      'the facts current then (ISO date or date-time), superseded and forgotten ones of that time too',
    )
    .option('--json', 'print {facts, total, limit, offset} as JSON')
    .action((opts: ListOptions, cmd: Command) =>
      ctx.run(cmd, () =>
        withStoreSession(
          ctx.io,
          ctx.globals(cmd),
          resolveStore(opts, ctx.io.env),
          { model: false },
          async (s) => {
            const result = await s.memory.list(
              definedOnly({
                limit: opts.limit,
                offset: opts.offset,
                category: opts.category,
                label: opts.label,
                minConfidence: opts.minConfidence,
                deleted: opts.deleted,
                as_of: opts.asOf,
              }),
            );
            if (opts.json) writeJson(ctx.io.stdout, result);
            else ctx.io.stdout.write(formatList(result));
            return EXIT_OK;
          },
        ),
      ),
    );
}

export function formatFact(f: Fact): string {
  const tags = [f.category, f.label ?? 'no label'].join(' \u00b7 ');
  const deleted = f.deleted_at ? ' (forgotten)' : '';
  return `#${f.id}  ${f.created_at.slice(0, 10)}  ${oneLine(f.content)}  [${tags}]${deleted}`;
}

function formatList(r: ListResult): string {
  if (r.facts.length === 0)
    return r.total === 0 ? 'No facts.\n' : `No facts past offset ${r.offset} (${r.total} in all).\n`;
  const lines = r.facts.map((f) => `${formatFact(f)}\n`).join('');
  const last = r.offset + r.facts.length;
  const more = last < r.total ? `; --offset ${last} for more` : '';
  return `${lines}(${r.offset + 1}-${last} of ${r.total}${more})\n`;
}
