import { Command } from 'commander';
import { writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { formatFact } from './list-command';
import { parseFactId } from './parse-options';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

/** `forget ID` (soft delete, undoable) and `restore ID`; both print the fact as it is now. */
export function forgetCommands(ctx: CommandContext): Command[] {
  const make = (
    name: 'forget' | 'restore',
    summary: string,
    description: string,
    done: (id: number) => string,
  ): Command =>
    addStoreOptions(new Command(name))
      .summary(summary)
      .description(description)
      .argument('<id>', 'the fact id (as shown by recall, list or encode)')
      .option('--json', 'print the fact as JSON')
      .action((rawId: string, opts: StoreOptions & { json?: boolean }, cmd: Command) =>
        ctx.run(cmd, async () => {
          const id = parseFactId(rawId);
          const store = resolveStore(opts, ctx.io.env);
          return withStoreSession(ctx.io, ctx.globals(cmd), store, { model: false }, async (s) => {
            const fact = await (name === 'forget' ? s.memory.forget(id) : s.memory.restore(id));
            if (opts.json) writeJson(ctx.io.stdout, fact);
            else ctx.io.stdout.write(`${done(id)}\n${formatFact(fact)}\n`);
            return EXIT_OK;
          });
        }),
      );
  return [
    make(
      'forget',
      'forget a fact (undoable)',
      'Forget a fact: it leaves recall and list but can be restored.',
      (id) => `Forgot #${id} (undo with: hippo restore ${id})`,
    ),
    make('restore', 'bring back a forgotten fact', 'Bring back a forgotten fact.', (id) => `Restored #${id}`),
  ];
}
