/** Test-side stand-ins for the runtime's tokenize → run → mean-pool → normalize, written independently. */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

export const HIDDEN = 384;

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `hippo-${prefix}-`));
}

export async function loadTokenizer(modelDir: string): Promise<Tokenizer> {
  const json = JSON.parse(await readFile(path.join(modelDir, 'tokenizer.json'), 'utf8')) as object;
  const config = JSON.parse(await readFile(path.join(modelDir, 'tokenizer_config.json'), 'utf8')) as object;
  return new Tokenizer(json, config);
}

export interface Batch {
  feeds: Record<string, ort.Tensor>;
  mask: BigInt64Array;
  batch: number;
  seq: number;
}

/** Tokenizes and right-pads to the longest text, as the runtime does. */
export function encodeBatch(tokenizer: Tokenizer, texts: string[]): Batch {
  const encodings = texts.map((t) => tokenizer.encode(t, { return_token_type_ids: true }));
  const batch = texts.length;
  const seq = Math.max(...encodings.map((e) => e.ids.length));
  const ids = new BigInt64Array(batch * seq);
  const mask = new BigInt64Array(batch * seq);
  const types = new BigInt64Array(batch * seq);
  encodings.forEach((e, b) => {
    e.ids.forEach((id, s) => {
      ids[b * seq + s] = BigInt(id);
      mask[b * seq + s] = 1n;
      types[b * seq + s] = BigInt(e.token_type_ids[s] ?? 0);
    });
  });
  const dims = [batch, seq];
  return {
    feeds: {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', types, dims),
    },
    mask,
    batch,
    seq,
  };
}

/** Mean over the tokens the mask keeps (or over all tokens when `useMask` is false), then L2-normalized. */
export function meanPool(
  hidden: Float32Array,
  mask: BigInt64Array,
  batch: number,
  seq: number,
  useMask = true,
): Float64Array[] {
  const out: Float64Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float64Array(HIDDEN);
    for (let s = 0; s < seq; s++) {
      if (useMask && mask[b * seq + s] === 0n) continue;
      const base = (b * seq + s) * HIDDEN;
      for (let k = 0; k < HIDDEN; k++) v[k] = (v[k] as number) + (hidden[base + k] as number);
    }
    const norm = Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
    out.push(v.map((x) => x / norm));
  }
  return out;
}

export function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

export async function embed(session: ort.InferenceSession, tokenizer: Tokenizer, texts: string[]) {
  const batch = encodeBatch(tokenizer, texts);
  const output = (await session.run(batch.feeds)).last_hidden_state;
  if (!output) throw new Error('model has no last_hidden_state output');
  const hidden = output.data as Float32Array;
  return {
    ...batch,
    dims: output.dims,
    hidden,
    vectors: meanPool(hidden, batch.mask, batch.batch, batch.seq),
  };
}
