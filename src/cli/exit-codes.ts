import { CommanderError } from 'commander';
import { toErrorPayload, type ErrorCode } from '../shared/errors';
import { oneLine, type OutStream } from './cli-io';

export const EXIT_OK = 0;
/** Anything that is not the caller's fault: database, model, disk, bugs, an interrupted import. */
export const EXIT_FAILURE = 1;
/** The caller's fault: bad arguments or input, an id that does not exist. */
export const EXIT_BAD_INPUT = 2;

const CALLER_FAULTS: ReadonlySet<ErrorCode> = new Set(['BAD_INPUT', 'NOT_FOUND']);

export function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
  return CALLER_FAULTS.has(toErrorPayload(e).code) ? EXIT_BAD_INPUT : EXIT_FAILURE;
}

/** `hippo <command>: <CODE>: <message>`, on one line, so scripts can grep the code. */
export function reportError(stderr: OutStream, command: string, e: unknown): number {
  const { code, message } = toErrorPayload(e);
  stderr.write(`${command}: ${code}: ${oneLine(message)}\n`);
  return exitCodeFor(e);
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  failure that is not the caller's fault (database, model, disk, interrupted import)
  2  bad input: unknown command or option, invalid value, unreadable or invalid file, no such fact id
Errors go to stderr as one line: "hippo <command>: <CODE>: <message>"; stdout then stays empty
(except \`model fetch|status --json\`, which print a {"ok": false, "error"} envelope there).
\`model status\` exits 1 when the model is not found.`;
