import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTwinModel } from '../../../scripts/model-gen/test-models';
import { cosine, embed, loadTokenizer, tempDir } from './helpers';

const { onnx } = onnxProto;

describe('twin model', () => {
  let dir: string;
  let modelPath: string;
  let session: ort.InferenceSession;
  let tokenizer: Tokenizer;

  beforeAll(async () => {
    dir = await tempDir('twin');
    await writeTwinModel(dir);
    modelPath = path.join(dir, 'onnx', 'model.onnx');
    session = await ort.InferenceSession.create(modelPath);
    tokenizer = await loadTokenizer(dir);
  }, 120_000);

  afterAll(async () => {
    await session?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it("has MiniLM's operators and weight shapes", async () => {
    const model = onnx.ModelProto.decode(await readFile(modelPath));
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => Number(o.version))).toEqual([17]);
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const count = (op: string) => graph.node.filter((n) => n.opType === op).length;
    expect(count('MatMul')).toBe(6 * 8); // Q, K, V, scores, context, output, FFN in, FFN out
    expect(count('Softmax')).toBe(6);
    expect(count('Erf')).toBe(6);
    expect(count('LayerNormalization')).toBe(1 + 6 * 2);
    const shapes = new Map(graph.initializer.map((t) => [t.name, (t.dims ?? []).map(Number)]));
    expect(shapes.get('embeddings.word_embeddings.weight')).toEqual([30522, 384]);
    expect(shapes.get('embeddings.position_embeddings.weight')).toEqual([512, 384]);
    expect(shapes.get('embeddings.token_type_embeddings.weight')).toEqual([2, 384]);
    expect(shapes.get('encoder.layer.5.attention.self.query.weight')).toEqual([384, 384]);
    expect(shapes.get('encoder.layer.5.intermediate.dense.weight')).toEqual([384, 1536]);
    expect(shapes.get('encoder.layer.5.output.dense.weight')).toEqual([1536, 384]);
    expect(shapes.has('encoder.layer.6.output.dense.weight')).toBe(false);
  });

  it("has MiniLM's interface", () => {
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
  });

  it('runs a padded batch of 2 into [2, seq, 384] finite, non-degenerate values', async () => {
    const out = await embed(session, tokenizer, [
      'short one',
      'a noticeably longer second text with more tokens',
    ]);
    expect(out.dims).toEqual([2, out.seq, 384]);
    expect(out.hidden.every(Number.isFinite)).toBe(true);
    // LayerNorm output: every token row has spread, and different tokens differ.
    const row = (i: number) => out.hidden.subarray(i * 384, (i + 1) * 384);
    const std = (r: Float32Array) => Math.sqrt(r.reduce((a, x) => a + x * x, 0) / r.length);
    expect(std(row(0))).toBeGreaterThan(0.5);
    expect(row(0)).not.toEqual(row(1));
    expect(out.vectors[0]).not.toEqual(out.vectors[1]);
  });

  it('masks padded keys: a text embeds the same alone and padded in a batch', async () => {
    const alone = await embed(session, tokenizer, ['short one']);
    const batched = await embed(session, tokenizer, [
      'short one',
      'a noticeably longer second text with more tokens',
    ]);
    expect(cosine(alone.vectors[0] as Float64Array, batched.vectors[0] as Float64Array)).toBeCloseTo(1, 5);
  });
});
