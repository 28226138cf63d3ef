import { existsSync } from 'node:fs';
import { createNodeEmbedder } from '../main/embedder/embedder-client';
import { modelSearchPaths, whyNotModelDir } from '../main/embedder/model-locate';
import { saveSelectedModel, selectedModel } from '../main/embedder/model-selection';
import { Memory, type EmbeddingStatus } from '../main/memory/memory';
import type { ModelSwitch } from '../main/memory/model-vectors';
import { defaultUserDataDir } from '../main/paths';
import { HippoError } from '../shared/errors';
import {
  MODEL_CATALOG,
  MODEL_NAMES,
  modelNameOfId,
  modelSpec,
  type ModelSpec,
} from '../shared/model-catalog';
import { oneLine, writeJson, type CliIo } from './cli-io';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes';
import { formatBytes } from './model-commands';
import { progressBar, type Progress } from './progress-bar';

export interface ModelUseResult {
  model: string;
  model_id: string;
  /** What the switch did (null when the database already used this model). */
  switched: ModelSwitch | null;
  /** Facts and labels embedded by this command, and those still waiting (0 when complete). */
  embedded: number;
  remaining: number;
}

/**
 * `hippo model use <name>`: checks the model loads, records it in settings.json (so the app, `hippo
 * serve` and later commands run it), then switches the database to it and re-embeds what needs it,
 * with progress on stderr. An interrupt keeps what was embedded; recall answers from words until the
 * re-embedding is complete, and the next command (or `model use` again) carries on.
 */
export async function runModelUse(
  io: CliIo,
  name: string,
  opts: { dbPath: string; json: boolean; signal?: AbortSignal },
): Promise<number> {
  const spec = modelSpec(name);
  const userDataDir = defaultUserDataDir(io.env);
  const embedder = createNodeEmbedder({ env: io.env, userDataDir, model: spec });
  let memory: Memory | null = null;
  try {
    // A model that cannot run is refused before anything is saved or switched.
    if (!(await embedder.ready())) {
      const err = embedder.lastError;
      throw new HippoError(
        err?.code === 'MODEL_MISSING' ? 'MODEL_MISSING' : 'MODEL_FAILED',
        `${spec.name} cannot be used: ${oneLine(err?.message ?? 'the model did not load')}`,
      );
    }
    saveSelectedModel(userDataDir, spec);
    const override = io.env.HIPPO_EMBEDDING_MODEL?.trim();
    if (override && override !== spec.name)
      io.stderr.write(
        `hippo: note: HIPPO_EMBEDDING_MODEL=${override} is set and wins over the saved choice in this shell\n`,
      );
    const result: ModelUseResult = {
      model: spec.name,
      model_id: embedder.modelId!,
      switched: null,
      embedded: 0,
      remaining: 0,
    };
    if (existsSync(opts.dbPath)) {
      memory = Memory.open({ dbPath: opts.dbPath, embedder, loadIndexes: false });
      memory.onModelSwitch((s) => (result.switched = s));
      const status = await memory.embeddingStatus();
      if (!opts.json && result.switched) io.stderr.write(describeSwitch(result.switched));
      let bar: Progress | null = null;
      let lastLine = -1;
      const done = await memory
        .embedPending({
          signal: opts.signal,
          onProgress: (p) => {
            if (opts.json) return;
            if (io.isTTY) {
              bar ??= progressBar(io.stderr, true, p.total, 'facts re-embedded');
              bar.update(p.done);
            } else {
              // Logs and pipes: a line per tenth.
              const step = Math.floor((p.done / Math.max(1, p.total)) * 10);
              if (step > lastLine) io.stderr.write(`re-embedding: ${p.done} of ${p.total}\n`);
              lastLine = step;
            }
          },
        })
        .finally(() => (bar as Progress | null)?.stop());
      result.embedded = done.done;
      result.remaining = (await memory.embeddingStatus()).pending;
      if (status.pending > 0 && result.remaining > 0 && !opts.json)
        io.stderr.write(
          `hippo: interrupted with ${result.remaining} facts and labels still to embed; recall answers from ` +
            'their words until they are done (any later command continues, or run `hippo model use` again)\n',
        );
    }
    if (opts.json) writeJson(io.stdout, { ok: true, value: result });
    else
      io.stdout.write(
        `Using ${spec.name} (${spec.dims} dimensions, model ${result.model_id})` +
          (result.remaining > 0 ? `; ${result.remaining} facts and labels still to embed.\n` : '.\n'),
      );
    return result.remaining > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await memory?.close();
    await embedder.close();
  }
}

function describeSwitch(s: ModelSwitch): string {
  const restored = s.restoredFacts > 0 ? `${s.restoredFacts} facts' vectors restored from earlier use, ` : '';
  return `Switched the vectors from ${s.from ?? 'none'} to ${s.to}: ${restored}${s.pending} facts to embed.\n`;
}

export interface ModelListEntry {
  name: string;
  dims: number;
  pooling: string;
  approx_bytes: number;
  relative_cost: number;
  summary: string;
  selected: boolean;
  /** The folder holding it, or null when it is not installed. */
  installed_in: string | null;
  downloadable: boolean;
  /** Its vectors in this database: 'in use', 'parked' (kept for switching back) or 'none'. */
  vectors: 'in use' | 'parked' | 'none';
}

/** `hippo model list`: the catalogue, which model is chosen, installed, and whose vectors are stored. */
export async function runModelList(io: CliIo, opts: { dbPath: string; json: boolean }): Promise<number> {
  const userDataDir = defaultUserDataDir(io.env);
  const chosen = selectedModel(io.env, userDataDir);
  let status: Pick<EmbeddingStatus, 'model' | 'parked'> = { model: null, parked: [] };
  if (existsSync(opts.dbPath)) {
    // Without an embedder: listing must not switch anything.
    const memory = Memory.open({ dbPath: opts.dbPath, embedder: null, loadIndexes: false });
    try {
      status = await memory.embeddingStatus();
    } finally {
      await memory.close();
    }
  }
  const entries: ModelListEntry[] = MODEL_NAMES.map((name) => {
    const spec: ModelSpec = MODEL_CATALOG[name];
    const dirs = modelSearchPaths({ env: io.env, userDataDir, model: spec });
    const parked = status.parked.some((p) => modelNameOfId(p.model) === name);
    return {
      name,
      dims: spec.dims,
      pooling: spec.pooling,
      approx_bytes: spec.approxBytes,
      relative_cost: spec.relativeCost,
      summary: spec.summary,
      selected: chosen.name === name,
      installed_in: dirs.find((d) => whyNotModelDir(d) === null) ?? null,
      downloadable: 'fp32' in spec.download,
      vectors: status.model && modelNameOfId(status.model) === name ? 'in use' : parked ? 'parked' : 'none',
    };
  });
  if (opts.json) {
    writeJson(io.stdout, entries);
    return EXIT_OK;
  }
  for (const e of entries) {
    io.stdout.write(
      `${e.selected ? '*' : ' '} ${e.name.padEnd(9)} ${String(e.dims).padStart(4)} dims  ` +
        `${formatBytes(e.approx_bytes).padStart(8)}  ${e.relative_cost}x cost  ${e.summary}\n` +
        `    ${e.installed_in ? `installed in ${e.installed_in}` : e.downloadable ? 'not installed (`hippo model fetch' + (e.name === 'minilm' ? '' : ` --model ${e.name}`) + '`)' : 'not installed (place its files by hand; see README)'}` +
        `; vectors in this database: ${e.vectors}\n`,
    );
  }
  io.stdout.write('* = chosen; change with `hippo model use <name>`\n');
  return EXIT_OK;
}
