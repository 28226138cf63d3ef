import { Command, CommanderError } from 'commander';
import { version } from '../../package.json';
import { oneLine, type CliIo } from './cli-io';
import { commandPath, createCommandContext } from './command-context';
import { dbCommand } from './db-command';
import { encodeCommand } from './encode-command';
import { EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_FAILURE, exitCodeFor, reportError } from './exit-codes';
import { exportCommand } from './export-command';
import { forgetCommands } from './forget-command';
import { importCommand } from './import-command';
import { labelsCommand } from './labels-command';
import { labelsHistoryCommand } from './labels-history-command';
import { listCommand } from './list-command';
import { mcpCommand } from './mcp-command';
import { modelCommand } from './model-group';
import { recallCommand } from './recall-command';
import { serveCommand } from './serve-command';
import { statsCommand } from './stats-command';
import { supersedeCommands } from './supersede-commands';
import { syncCommand } from './sync-command';

export type { CliIo } from './cli-io';

const ENVIRONMENT_HELP = `Environment:
  HIPPO_DB              database file (overridden by --db)
  HIPPO_HOME            user data folder holding hippo.db and models/ (default: the OS user-data folder)
  HIPPO_MODEL_DIR       use the embedding model in this folder
  HIPPO_MODEL_MANIFEST  model manifest for \`hippo model fetch\`
  HIPPO_PG_URL          Postgres server for --store postgres, \`hippo db explain\` and \`hippo sync\`

Without the embedding model Hippo runs in text-only mode: encode and recall still work, matching facts
by their words; --json output says "mode": "text-only" and a terminal gets a one-line notice.`;

/** Builds the `hippo` program; every command reports its exit code through onExit. */
export function buildProgram(io: CliIo, onExit: (code: number) => void): Command {
  const ctx = createCommandContext(io, onExit);
  const program = new Command('hippo')
    .description(
      'Hippo: a local-first personal memory. Remember short facts; recall them by meaning, offline.',
    )
    .version(version, '-V, --version')
    .option('--db <path>', 'database file (default: $HIPPO_DB, else hippo.db in the user data folder)')
    .option('--space <name>', 'memory space to use (default "personal")')
    .addHelpText('after', `\n${ENVIRONMENT_HELP}\n\n${EXIT_CODES_HELP}`);

  for (const cmd of [
    encodeCommand(ctx),
    importCommand(ctx),
    recallCommand(ctx),
    listCommand(ctx),
    labelsHistoryCommand(ctx, labelsCommand(ctx)),
    ...forgetCommands(ctx),
    ...supersedeCommands(ctx),
    exportCommand(ctx),
    statsCommand(ctx),
    modelCommand(ctx),
    serveCommand(ctx),
    mcpCommand(ctx),
    syncCommand(ctx),
    dbCommand(ctx),
  ])
    program.addCommand(cmd);

  configureTree(program, io);
  return program;
}

/**
 * Commander would print and call process.exit; instead every usage error becomes a thrown
 * CommanderError (exit code 2) with one stderr line in our format, and help goes to our streams.
 */
function configureTree(cmd: Command, io: CliIo): void {
  const name = commandPath(cmd);
  cmd
    .exitOverride()
    .allowExcessArguments(false)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
      outputError: (s, write) => write(`${name}: BAD_INPUT: ${oneLine(s.replace(/^error:\s*/, ''))}\n`),
    });
  for (const sub of cmd.commands) configureTree(sub, io);
}

/**
 * Runs `hippo` with argv (without the node and script paths) and returns the exit code: 0 success,
 * 2 the caller's fault, 1 anything else. Never calls process.exit, so tests run it in-process.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let code: number | null = null;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return exitCodeFor(e);
    return reportError(io.stderr, 'hippo', e);
  }
  // A help or usage path that ran no action (cannot happen with exitOverride, but never exit 0 by accident).
  return code ?? (argv.length === 0 ? EXIT_BAD_INPUT : EXIT_FAILURE);
}
