import path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { HippoError } from '../shared/errors';
import { MODEL_CATALOG, type ModelRuntime } from '../shared/model-catalog';
import { clsPool, combineWindows, l2Normalize, meanPool } from './mean-pool';
import { computeModelId } from './model-id';
import { findModelFile } from './model-files';
import { loadTokenizer, type TokenWindow } from './tokenize';

export interface OnnxEmbedderOptions {
  /** onnxruntime intra-op threads; undefined lets onnxruntime use every physical core. */
  threads?: number;
  /** Windows per session.run; more amortizes overhead, fewer pads less. */
  maxBatch?: number;
  /** Which catalogue model the folder holds: its width and pooling. Default MiniLM. */
  model?: ModelRuntime;
}

export interface OnnxEmbedder {
  readonly modelId: string;
  readonly modelFile: string;
  readonly dims: number;
  /** One L2-normalized vector per text, in order. Texts longer than the window are not cut. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

interface PendingWindow {
  text: number;
  ids: TokenWindow;
}

/** Loads weights + tokenizer from a model folder and checks they run with one warm-up text. */
export async function loadOnnxEmbedder(
  modelDir: string,
  opts: OnnxEmbedderOptions = {},
): Promise<OnnxEmbedder> {
  const modelFile = findModelFile(modelDir);
  if (!modelFile) {
    throw new HippoError('MODEL_MISSING', `no onnx/model.onnx or onnx/model_quantized.onnx in ${modelDir}`);
  }
  const tokenizer = loadTokenizer(modelDir);
  const runtime = opts.model ?? MODEL_CATALOG.minilm;
  const expectedDims = runtime.dims;
  const pool = runtime.pooling === 'cls' ? clsPool : meanPool;
  const modelId = computeModelId(modelFile, path.join(modelDir, 'tokenizer.json'), runtime.name);
  const maxBatch = opts.maxBatch ?? 32;

  // Loaded here rather than at import so the tokenizer and pooling can be used (and tested)
  // without the native binding.
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelFile, {
      // onnxruntime rejects an explicit undefined; left out, it uses every core.
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      // onnxruntime's pool threads otherwise spin for a while after every run, burning a whole
      // core that the main process needs for the vector and word search of the same recall
      // (measured: ~20 ms of CPU per 20 ms idle after each query) and draining laptop batteries.
      // Costs ~2 ms of wake-up latency per single query; batches are barely affected.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    throw new HippoError('MODEL_FAILED', `onnxruntime could not load ${modelFile}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) {
      throw new HippoError(
        'MODEL_FAILED',
        `${modelFile} has no ${name} input (inputs: ${session.inputNames.join(', ')})`,
      );
    }
  }
  const wantsTokenTypes = session.inputNames.includes('token_type_ids');
  const outputName = session.outputNames.includes('last_hidden_state')
    ? 'last_hidden_state'
    : session.outputNames[0];
  if (!outputName) throw new HippoError('MODEL_FAILED', `${modelFile} has no outputs`);

  /** Runs windows of possibly different lengths, padded to the longest, and pools each. */
  async function runBatch(windows: TokenWindow[]): Promise<Float32Array[]> {
    const batch = windows.length;
    const seq = Math.max(...windows.map((w) => w.length));
    const ids = new BigInt64Array(batch * seq).fill(BigInt(tokenizer.padId));
    const mask = new BigInt64Array(batch * seq);
    windows.forEach((w, b) => {
      for (let t = 0; t < w.length; t++) {
        ids[b * seq + t] = BigInt(w[t]!);
        mask[b * seq + t] = 1n;
      }
    });
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [batch, seq]),
      attention_mask: new ort.Tensor('int64', mask, [batch, seq]),
    };
    if (wantsTokenTypes)
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(batch * seq), [batch, seq]);
    let out: Tensor | undefined;
    try {
      out = (await session.run(feeds, [outputName!]))[outputName!];
    } catch (e) {
      throw new HippoError(
        'MODEL_FAILED',
        `onnxruntime failed on a batch of ${batch}×${seq}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    const dims = out?.dims[2];
    if (!out || out.type !== 'float32' || out.dims.length !== 3 || dims !== expectedDims) {
      throw new HippoError(
        'MODEL_FAILED',
        `${modelFile} output ${outputName} is ${out?.type} [${out?.dims.join(', ')}], expected float32 [batch, seq, ${expectedDims}] for ${runtime.name}`,
      );
    }
    return pool(out.data as Float32Array, mask, { batch, seq, dims }).map(l2Normalize);
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    const perText: TokenWindow[][] = texts.map((t) => tokenizer.windows(t));
    const pending: PendingWindow[] = perText.flatMap((ws, text) => ws.map((ids) => ({ text, ids })));
    // Sorting by length puts similar lengths in one batch, so little compute goes to padding.
    pending.sort((a, b) => a.ids.length - b.ids.length);
    const vectors = new Map<PendingWindow, Float32Array>();
    for (let i = 0; i < pending.length; i += maxBatch) {
      const chunk = pending.slice(i, i + maxBatch);
      const pooled = await runBatch(chunk.map((w) => w.ids));
      chunk.forEach((w, j) => vectors.set(w, pooled[j]!));
    }
    const byText: Float32Array[][] = texts.map(() => []);
    const weights: number[][] = texts.map(() => []);
    for (const w of pending) {
      byText[w.text]!.push(vectors.get(w)!);
      weights[w.text]!.push(Math.max(w.ids.length - 2, 1));
    }
    return byText.map((vs, i) => combineWindows(vs, weights[i]!));
  }

  await embed(['warm-up']);
  return {
    modelId,
    modelFile,
    dims: expectedDims,
    embed,
    close: () => session.release(),
  };
}
