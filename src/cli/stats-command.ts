import { Command } from 'commander';
import type { Stats } from '../shared/contract';
import { writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { formatBytes } from './model-commands';
import { noteTextOnly } from './session';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

export function statsCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('stats'))
    .summary('counts, search mode and database facts')
    .description('Counts for the space, the search mode and the database.')
    .option('--json', 'print the stats as JSON')
    .action((opts: StoreOptions & { json?: boolean }, cmd: Command) =>
      ctx.run(cmd, () =>
        withStoreSession(
          ctx.io,
          ctx.globals(cmd),
          resolveStore(opts, ctx.io.env),
          { model: true },
          async (s) => {
            const stats = await s.memory.stats();
            if (opts.json) writeJson(ctx.io.stdout, stats);
            else ctx.io.stdout.write(formatStats(stats));
            noteTextOnly(ctx.io, s);
            return EXIT_OK;
          },
        ),
      ),
    );
}

function formatStats(s: Stats): string {
  const categories =
    Object.entries(s.categories)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none';
  return [
    `space:      ${s.space}`,
    `facts:      ${s.facts} (${s.deleted} forgotten)`,
    `labels:     ${s.labels}`,
    `categories: ${categories}`,
    `mode:       ${s.mode}${s.model ? ` (model ${s.model})` : ''}`,
    `pending:    ${s.pending_embeddings} facts waiting for an embedding`,
    `database:   ${s.db_path} (${formatBytes(s.db_bytes)}, schema ${s.schema_version})`,
    '',
  ].join('\n');
}
