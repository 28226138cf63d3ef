import { Command } from 'commander';
import { writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

export function labelsCommand(ctx: CommandContext): Command {
  return addStoreOptions(new Command('labels'))
    .summary('list labels and their fact counts')
    .description('List labels with how many facts each holds.')
    .option('--json', 'print the labels as a JSON array')
    .action((opts: StoreOptions & { json?: boolean }, cmd: Command) =>
      ctx.run(cmd, () =>
        withStoreSession(
          ctx.io,
          ctx.globals(cmd),
          resolveStore(opts, ctx.io.env),
          { model: false },
          async (s) => {
            const labels = await s.memory.labelsList();
            if (opts.json) writeJson(ctx.io.stdout, labels);
            else if (labels.length === 0) ctx.io.stdout.write('No labels.\n');
            else
              ctx.io.stdout.write(
                labels
                  .map(
                    (l) =>
                      `${l.name}  (${l.fact_count} ${l.fact_count === 1 ? 'fact' : 'facts'}; ${l.kind}${l.category ? `, ${l.category}` : ''})\n`,
                  )
                  .join(''),
              );
            return EXIT_OK;
          },
        ),
      ),
    );
}
