import { Command } from 'commander';
import type { LabelVersion } from '../shared/contract';
import { HippoError } from '../shared/errors';
import { writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { addStoreOptions, resolveStore, withStoreSession, type StoreOptions } from './store-options';

const REASON: Record<LabelVersion['reason'], string> = {
  renamed: 'renamed',
  conflict: 'lost a sync conflict',
  merged: 'merged into this label',
};

/**
 * Adds `history <name>` to the `labels` command: the names (kinds, categories) the label had
 * before, newest first, so a name lost to a rename, a merge or another device's change in a
 * sync conflict can be found and given back with a rename. Returns `labels`.
 */
export function labelsHistoryCommand(ctx: CommandContext, labels: Command): Command {
  const history = addStoreOptions(new Command('history'))
    .summary("a label's earlier names")
    .description(
      'Show the names a label had before, newest first: before each rename, the labels merged into it, and changes it lost to another device in a sync conflict.',
    )
    .argument('<name>', 'the label, by its current name (any letter case)')
    .option('--json', 'print the earlier versions as a JSON array')
    .action((name: string, _opts: unknown, cmd: Command) =>
      ctx.run(cmd, () => {
        // --store/--pg may be given before `history` (to labels) or after it.
        const opts = cmd.optsWithGlobals<StoreOptions & { json?: boolean }>();
        const globals = ctx.globals(cmd);
        return withStoreSession(
          ctx.io,
          globals,
          resolveStore(opts, ctx.io.env),
          { model: false },
          async (s) => {
            const wanted = name.trim().toLowerCase();
            const label = (await s.memory.labelsList()).find((l) => l.name.toLowerCase() === wanted);
            if (!label)
              throw new HippoError(
                'NOT_FOUND',
                `no label called "${name.trim()}" in space "${s.memory.space}"`,
              );
            const versions = await s.memory.labelHistory(label.id);
            if (opts.json) writeJson(ctx.io.stdout, versions);
            else if (versions.length === 0) ctx.io.stdout.write(`"${label.name}" has no earlier names.\n`);
            else
              ctx.io.stdout.write(
                versions
                  .map(
                    (v) =>
                      `${v.name}  (${REASON[v.reason]} ${v.superseded_at.slice(0, 10)}; ${v.kind}${v.category ? `, ${v.category}` : ''})\n`,
                  )
                  .join(''),
              );
            return EXIT_OK;
          },
        );
      }),
    );
  labels.addCommand(history);
  return labels;
}
