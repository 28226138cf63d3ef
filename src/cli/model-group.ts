import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { findModelFile, modelSearchPaths } from '../main/embedder/model-locate';
import { selectedModel } from '../main/embedder/model-selection';
import type { ModelVariant } from '../main/embedder/model-manifest';
import { defaultModelDir, defaultUserDataDir } from '../main/paths';
import { HippoError } from '../shared/errors';
import { MODEL_NAMES, modelSpec, type ModelSpec } from '../shared/model-catalog';
import { oneLine } from './cli-io';
import { commandPath, type CommandContext } from './command-context';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { runModelFetch, runModelStatus } from './model-commands';
import { runModelList, runModelUse } from './model-use-command';
import { progressBar, type Progress } from './progress-bar';
import { resolveDbPath, withSession } from './session';

/** The --model option's model, else the chosen one (settings.json, HIPPO_EMBEDDING_MODEL). */
function modelOption(ctx: CommandContext, name: string | undefined): ModelSpec {
  return name === undefined ? selectedModel(ctx.io.env, defaultUserDataDir(ctx.io.env)) : modelSpec(name);
}

/**
 * `hippo model fetch|status|list|use`: the downloader (model-commands.ts), then embedding what
 * waited for it; the catalogue; switching models (model-use-command.ts).
 */
export function modelCommand(ctx: CommandContext): Command {
  const model = new Command('model')
    .summary('fetch, list or switch the embedding model, or show its status')
    .description(
      `Download an embedding model, see where it is, list the choices (${MODEL_NAMES.join(', ')}) or switch.`,
    );

  model
    .command('list')
    .description(
      'The models Hippo can use: size, cost, which is chosen and installed, whose vectors are stored.',
    )
    .option('--json', 'print the list as JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      ctx.run(cmd, () =>
        runModelList(ctx.io, { dbPath: resolveDbPath(ctx.globals(cmd), ctx.io), json: opts.json ?? false }),
      ),
    );

  model
    .command('use')
    .argument('<name>', `the model: ${MODEL_NAMES.join(' or ')}`)
    .description(
      'Switch the embedding model: checks it loads, saves the choice (the app and later commands use it), ' +
        'then re-embeds the facts with it, with progress. Recall answers from words until that is done; the ' +
        'old vectors are kept, so switching back is immediate. Exit code 1 when interrupted before the end.',
    )
    .option('--json', 'print a {ok, value} envelope as JSON on stdout')
    .action((name: string, opts: { json?: boolean }, cmd: Command) =>
      ctx.run(cmd, () =>
        runModelUse(ctx.io, name, {
          dbPath: resolveDbPath(ctx.globals(cmd), ctx.io),
          json: opts.json ?? false,
          signal: ctx.io.trapInterrupt?.(),
        }),
      ),
    );

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
    .option('--model <name>', `which model: ${MODEL_NAMES.join(' or ')} (default: the chosen one)`)
    .option('--json', 'print a {ok, value} / {ok, error} envelope as JSON on stdout, failures included')
    .action((opts: { json?: boolean; int8?: boolean; model?: string }, cmd: Command) =>
      ctx.run(cmd, async () => {
        const { io } = ctx;
        const spec = modelOption(ctx, opts.model);
        if (!('fp32' in spec.download))
          throw new HippoError('NOT_SUPPORTED', `${spec.name}: ${spec.download.unavailable}`);
        if (opts.int8 && !spec.download.int8)
          throw new HippoError('BAD_INPUT', `--int8: ${spec.name} has no int8 weights to download`);
        const signal = io.trapInterrupt?.();
        const code = await runModelFetch({
          variant: opts.int8 ? 'int8' : 'fp32',
          destDir: defaultModelDir(io.env, spec.folder),
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
    .option('--model <name>', `which model: ${MODEL_NAMES.join(' or ')} (default: the chosen one)`)
    .option('--json', 'print a {ok, value} / {ok, error} envelope as JSON on stdout, failures included')
    .action((opts: { json?: boolean; verify?: boolean; int8?: boolean; model?: string }, cmd: Command) =>
      ctx.run(cmd, () => {
        const spec = modelOption(ctx, opts.model);
        if (!('fp32' in spec.download))
          throw new HippoError('NOT_SUPPORTED', `${spec.name}: ${spec.download.unavailable}`);
        const dirs = modelSearchPaths({
          env: ctx.io.env,
          userDataDir: defaultUserDataDir(ctx.io.env),
          model: spec,
        });
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
