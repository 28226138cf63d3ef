import type { Command } from 'commander';
import type { CliIo } from './cli-io';
import { reportError } from './exit-codes';
import type { GlobalOptions } from './session';

/** What every command module gets from main: the io and a way to finish with an exit code. */
export interface CommandContext {
  io: CliIo;
  /** Runs a command body and records its exit code; a thrown error is reported on one stderr line. */
  run(cmd: Command, body: () => Promise<number>): Promise<void>;
  /** --db and --space, wherever they appear on the command line. */
  globals(cmd: Command): GlobalOptions;
}

/** "hippo model fetch" for the model fetch command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function createCommandContext(io: CliIo, onExit: (code: number) => void): CommandContext {
  return {
    io,
    async run(cmd, body) {
      try {
        onExit(await body());
      } catch (e) {
        onExit(reportError(io.stderr, commandPath(cmd), e));
      }
    },
    globals(cmd) {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      return { db: o.db, space: o.space };
    },
  };
}
