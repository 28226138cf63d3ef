import { Command, Option } from 'commander';
import type { EncodeResult, RecallMode } from '../shared/contract';
import { HippoError } from '../shared/errors';
import { oneLine, readAll, writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { definedOnly, parseFactIdOption, parseNumber } from './parse-options';
import { noteTextOnly } from './session';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

interface EncodeOptions extends StoreOptions {
  category?: string;
  label?: string;
  confidence?: number;
  source?: string;
  supersedes?: number;
  json?: boolean;
}

export type EncodeOutput = EncodeResult & { mode: RecallMode };

export function encodeCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('encode'))
    .summary('remember one fact (TEXT or stdin)')
    .description(
      'Remember one fact. TEXT is the words given (joined by spaces), or stdin when absent or "-".',
    )
    .argument('[text...]', 'the fact')
    .option('-c, --category <name>', 'category (default "general")')
    .option('-l, --label <name>', 'label; matched to an existing label by meaning when absent')
    .addOption(new Option('--confidence <x>', 'confidence from 0 to 1 (default 1)').argParser(parseNumber))
    .option('-s, --source <text>', 'where the fact came from')
    .addOption(
      new Option(
        '--supersedes <id>',
        'this fact replaces fact ID: the old one leaves recall and list, kept in its history (undo: hippo unsupersede ID)',
      ).argParser(parseFactIdOption),
    )
    .option('--json', 'print {id, status, label, mode, supersedes?, possible_updates?} as JSON')
    .action((words: string[], opts: EncodeOptions, cmd: Command) =>
      ctx.run(cmd, async () => {
        const store = resolveStore(opts, ctx.io.env);
        const content = await contentFrom(words, ctx);
        return withStoreSession(ctx.io, ctx.globals(cmd), store, { model: true }, async (s) => {
          const result = await s.memory.encode({
            content,
            ...definedOnly({
              category: opts.category,
              label: opts.label,
              confidence: opts.confidence,
              source: opts.source,
              supersedes: opts.supersedes,
            }),
          });
          const out: EncodeOutput = { ...result, mode: s.memory.mode };
          if (opts.json) writeJson(ctx.io.stdout, out);
          else ctx.io.stdout.write(`${describe(out)}\n`);
          noteTextOnly(ctx.io, s);
          return EXIT_OK;
        });
      }),
    );
}

async function contentFrom(words: string[], ctx: CommandContext): Promise<string> {
  if (words.length > 0 && !(words.length === 1 && words[0] === '-')) return words.join(' ');
  if (words.length === 0 && ctx.io.stdinIsTTY)
    throw new HippoError('BAD_INPUT', 'TEXT is missing: give the fact as an argument or pipe it on stdin');
  // A trailing newline from `echo` or a file is not part of the fact.
  return (await readAll(ctx.io.stdin)).replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
}

function describe(r: EncodeOutput): string {
  const label = r.label ? ` (label: ${r.label})` : '';
  const replaced =
    r.supersedes === undefined
      ? ''
      : `\nReplaces #${r.supersedes}, kept in the history (undo: hippo unsupersede ${r.supersedes})`;
  const updates = (r.possible_updates ?? [])
    .map(
      (u) =>
        `\nPossibly an update of #${u.id} "${oneLine(u.content)}" (${u.reason.replace('_', ' ')}, ${u.similarity.toFixed(2)}); ` +
        `to replace it: hippo supersede ${u.id} ${r.id}`,
    )
    .join('');
  if (r.status === 'created') return `Remembered #${r.id}${label}${replaced}${updates}`;
  if (r.status === 'duplicate') return `Already known as #${r.id}${label}; nothing new stored${replaced}`;
  return `Merged into #${r.id}${label}; the older wording is kept as history`;
}
