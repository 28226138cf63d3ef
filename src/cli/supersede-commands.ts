import { Command } from 'commander';
import type { FactVersion } from '../shared/contract';
import { oneLine, writeJson } from './cli-io';
import type { CommandContext } from './command-context';
import { EXIT_OK } from './exit-codes';
import { formatFact } from './list-command';
import { parseFactId } from './parse-options';
import {
  addStoreOptions,
  resolveStore,
  withStoreSession,
  type StoreOptions,
  type StoreSession,
} from './store-options';

type JsonOption = StoreOptions & { json?: boolean };

const ID_HELP = 'the fact id (as shown by recall, list or encode)';

/**
 * `supersede OLD NEW`, `unsupersede ID` (its undo) and `history ID`: memory over time. Each opens
 * the store without the model, as forget and restore do.
 */
export function supersedeCommands(ctx: CommandContext): Command[] {
  const supersede = addStoreOptions(new Command('supersede'))
    .summary('mark fact OLD as replaced by fact NEW')
    .description(
      'Mark fact OLD as replaced by fact NEW (both current facts): OLD leaves recall and list but stays in ' +
        'the history of both, and `hippo unsupersede OLD` makes it current again. To store a new fact and ' +
        'replace an old one at once: hippo encode TEXT --supersedes OLD.',
    )
    .argument('<old>', 'the fact that is no longer true')
    .argument('<new>', 'the fact that replaces it')
    .option('--json', 'print the new fact as JSON')
    .action((rawOld: string, rawNew: string, opts: JsonOption, cmd: Command) =>
      ctx.run(cmd, async () => {
        const oldId = parseFactId(rawOld);
        const newId = parseFactId(rawNew);
        return withoutModel(ctx, cmd, opts, async (memory) => {
          const fact = await memory.supersede({ old_id: oldId, new_id: newId });
          if (opts.json) writeJson(ctx.io.stdout, fact);
          else
            ctx.io.stdout.write(
              `#${oldId} is superseded by #${newId} (undo with: hippo unsupersede ${oldId})\n${formatFact(fact)}\n`,
            );
        });
      }),
    );

  const unsupersede = addStoreOptions(new Command('unsupersede'))
    .summary('make a superseded fact current again (undo a supersede)')
    .description(
      'Make a superseded fact current again. The fact that replaced it stays; forget it if it is wrong.',
    )
    .argument('<id>', 'the superseded (older) fact')
    .option('--json', 'print the fact as JSON')
    .action((rawId: string, opts: JsonOption, cmd: Command) =>
      ctx.run(cmd, async () => {
        const id = parseFactId(rawId);
        return withoutModel(ctx, cmd, opts, async (memory) => {
          const fact = await memory.unsupersede(id);
          if (opts.json) writeJson(ctx.io.stdout, fact);
          else ctx.io.stdout.write(`#${id} is current again\n${formatFact(fact)}\n`);
        });
      }),
    );

  const history = addStoreOptions(new Command('history'))
    .summary("a fact's other versions: what it replaced, what replaced it, earlier wordings")
    .description(
      "Show a fact's other versions, newest first: the facts it superseded and that superseded it (its " +
        'supersede chain), and their earlier wordings (kept when near-duplicates merged), each with when it ' +
        'was current and why it stopped. ID may be a superseded fact.',
    )
    .argument('<id>', ID_HELP)
    .option('--json', 'print the versions as a JSON array')
    .action((rawId: string, opts: JsonOption, cmd: Command) =>
      ctx.run(cmd, async () => {
        const id = parseFactId(rawId);
        return withoutModel(ctx, cmd, opts, async (memory) => {
          const versions = await memory.history(id);
          if (opts.json) writeJson(ctx.io.stdout, versions);
          else if (versions.length === 0) ctx.io.stdout.write(`#${id} has no other versions.\n`);
          else ctx.io.stdout.write(versions.map((v) => `${formatVersion(v)}\n`).join(''));
        });
      }),
    );

  return [supersede, unsupersede, history];
}

/** Runs `step` on the store the options name, opened without the model, as forget and restore do. */
function withoutModel(
  ctx: CommandContext,
  cmd: Command,
  opts: StoreOptions,
  step: (memory: StoreSession['memory']) => Promise<void>,
): Promise<number> {
  return withStoreSession(
    ctx.io,
    ctx.globals(cmd),
    resolveStore(opts, ctx.io.env),
    { model: false },
    async (s) => {
      await step(s.memory);
      return EXIT_OK;
    },
  );
}

/** `#3  2026-01-01 → 2026-01-05  Anna lives in Lisbon  (superseded by #5)`. */
export function formatVersion(v: FactVersion): string {
  const span = `${v.current_from.slice(0, 10)} \u2192 ${v.current_until?.slice(0, 10) ?? 'now'}`;
  const why =
    v.reason === 'superseded'
      ? `superseded by #${v.superseded_by}`
      : v.reason === 'edited'
        ? `earlier wording of #${v.superseded_by}`
        : (v.reason ?? 'current');
  return `#${v.id}  ${span}  ${oneLine(v.content)}  (${why})`;
}
