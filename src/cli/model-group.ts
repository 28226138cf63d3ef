import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { findModelFile, modelSearchPaths } from '../main/embedder/model-locate';
import type { ModelVariant } from '../main/embedder/model-manifest';
import { defaultModelDir, defaultUserDataDir } from '../main/paths';
import { HippoError } from '../shared/errors';
import { oneLine } from './cli-io';
import { commandPath, type CommandContext } from './command-context';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { runModelFetch, runModelStatus } from './model-commands';
import { progressBar, type Progress } from './progress-bar';
import { resolveDbPath, withSession } from './session';

/** `hippo model fetch|status`: the downloader (model-commands.ts), then embedding what waited for it. */
export function modelCommand(ctx: CommandContext): Command {
  const model = new Command('model')
    .summary('fetch the embedding model or show its status')
    .description('Download the embedding model or see where it is.');

  model
    .command('fetch')
    .description(
      'Download the model into the user data folder (sha256-checked, resumable), then embed the facts ' +
        'stored while it was missing.',
    )
    .option(
      '--int8',
      'the int8 (quantized) weights: about 2.5x faster to embed on a CPU, 23 MB instead of 90; they replace ' +
        'the fp32 ones, and the facts are embedded again with them',
    )
    .option('--json', 'print a {ok, value} / {ok, error} envelope as JSON on stdout, failures included')
    .action((opts: { json?: boolean; int8?: boolean }, cmd: Command) =>
      ctx.run(cmd, async () => {
        const { io } = ctx;
        const signal = io.trapInterrupt?.();
        const code = await runModelFetch({
          variant: opts.int8 ? 'int8' : 'fp32',
          destDir: defaultModelDir(io.env),
          json: opts.json ?? false,
          stdout: io.stdout,
          stderr: io.stderr,
          isTTY: io.isTTY,
          env: io.env as NodeJS.ProcessEnv,
          signal,
        });
        if (code !== EXIT_OK || signal?.aborted) return code === EXIT_OK ? EXIT_FAILURE : code;
        return embedPending(ctx, cmd, signal);
      }),
    );

  model
    .command('status')
    .description(
      'Where the model is looked for and whether it is complete; exit code 1 when it is not found.',
    )
    .option('--verify', 'also check every file\u2019s sha256 (reads the whole model)')
    .option('--int8', 'check for the int8 weights (default: whichever weights the first model folder holds)')
    .option('--json', 'print a {ok, value} / {ok, error} envelope as JSON on stdout, failures included')
    .action((opts: { json?: boolean; verify?: boolean; int8?: boolean }, cmd: Command) =>
      ctx.run(cmd, () => {
        const dirs = modelSearchPaths({ env: ctx.io.env, userDataDir: defaultUserDataDir(ctx.io.env) });
        return runModelStatus({
          variant: opts.int8 ? 'int8' : variantIn(dirs),
          dirs,
          verify: opts.verify ?? false,
          json: opts.json ?? false,
          stdout: ctx.io.stdout,
          stderr: ctx.io.stderr,
          env: ctx.io.env as NodeJS.ProcessEnv,
        });
      }),
    );

  return model;
}

/**
 * The weights the embedder would load: those of the first folder holding any (model.onnx first,
 * as the worker picks), so status checks what is in use. fp32 when no folder holds weights.
 */
function variantIn(dirs: string[]): ModelVariant {
  for (const dir of dirs) {
    const file = findModelFile(dir);
    if (file) return file.endsWith('model_quantized.onnx') ? 'int8' : 'fp32';
  }
  return 'fp32';
}

/**
 * Facts stored in text-only mode have no vector yet; give them one now so recall finds them by
 * meaning. Reported on stderr: with --json, stdout belongs to the fetch envelope.
 */
async function embedPending(
  ctx: CommandContext,
  cmd: Command,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { io } = ctx;
  const globals = ctx.globals(cmd);
  // A fetch before the first encode must not create an empty database as a side effect.
  if (!existsSync(resolveDbPath(globals, io))) return EXIT_OK;
  return withSession(io, globals, { model: true }, async (s) => {
    if (!(await s.embedder?.ready())) {
      const why = s.embedder?.lastError?.message ?? 'unknown reason';
      throw new HippoError('MODEL_FAILED', `the model was fetched but cannot be loaded: ${oneLine(why)}`);
    }
    let bar: Progress | null = null;
    const result = await s.memory
      .embedPending({
        signal,
        onProgress: (p) => {
          bar ??= progressBar(io.stderr, io.isTTY, p.total, 'facts embedded');
          bar.update(p.done);
        },
      })
      .finally(() => (bar as Progress | null)?.stop());
    if (result.total === 0) return EXIT_OK;
    if (result.done < result.total) {
      io.stderr.write(
        `${commandPath(cmd)}: interrupted: embedded ${result.done} of ${result.total} ` +
          'facts stored while the model was missing; the rest are embedded by the next `hippo model fetch` ' +
          '(their words stay searchable meanwhile)\n',
      );
      return EXIT_FAILURE;
    }
    io.stderr.write(`Embedded ${result.done} facts and labels stored while the model was missing.\n`);
    return EXIT_OK;
  });
}
