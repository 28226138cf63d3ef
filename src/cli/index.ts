/**
 * The `hippo` binary (bundled to dist/cli.mjs, started by bin/hippo.mjs): the real process as
 * the CLI's io, then main().
 */
import { main, type CliIo } from './main';

/** First Ctrl-C asks a long command to stop after its current transaction; a second one exits. */
function trapInterrupt(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    controller.abort();
    process.stderr.write(
      `${process.stderr.isTTY ? '\n' : ''}Stopping after the current step (Ctrl-C again to quit now)...\n`,
    );
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

// `hippo export | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const io: CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
  trapInterrupt,
};

process.exitCode = await main(process.argv.slice(2), io);
