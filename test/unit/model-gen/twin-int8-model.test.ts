import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTwinInt8Model, writeTwinModel } from '../../../scripts/model-gen/test-models';
import { loadOnnxEmbedder, type OnnxEmbedder } from '../../../src/utility/onnx-embedder';
import { tempDir } from './helpers';

const { onnx } = onnxProto;

/** The official onnx/model_quantized.onnx's size (../shared/models/all-MiniLM-L6-v2/README.md). */
const OFFICIAL_INT8_BYTES = 22_972_370;

describe('int8 twin model', () => {
  let dir: string;
  let fp32Dir: string;
  let modelPath: string;
  let int8: OnnxEmbedder;
  let fp32: OnnxEmbedder;
  let bytes: number;

  beforeAll(async () => {
    dir = await tempDir('twin-int8');
    fp32Dir = await tempDir('twin-fp32');
    bytes = await writeTwinInt8Model(dir);
    await writeTwinModel(fp32Dir);
    modelPath = path.join(dir, 'onnx', 'model_quantized.onnx');
    int8 = await loadOnnxEmbedder(dir, { threads: 1 });
    fp32 = await loadOnnxEmbedder(fp32Dir, { threads: 1 });
  }, 120_000);

  afterAll(async () => {
    await int8?.close();
    await fp32?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(fp32Dir, { recursive: true, force: true });
  });

  it('is the dynamically quantized graph: int8 weights, MatMulInteger, no float MatMul', async () => {
    const model = onnx.ModelProto.decode(await readFile(modelPath));
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const count = (op: string) => graph.node.filter((n) => n.opType === op).length;
    expect(count('MatMul')).toBe(0);
    expect(count('MatMulInteger')).toBe(6 * 8);
    // One per linear layer's input, two per attention product (both sides are activations).
    expect(count('DynamicQuantizeLinear')).toBe(6 * (6 + 2 * 2));
    expect(count('DequantizeLinear')).toBe(3);
    const types = new Map(graph.initializer.map((t) => [t.name, t.dataType]));
    expect(types.get('embeddings.word_embeddings.weight_quantized')).toBe(onnx.TensorProto.DataType.INT8);
    expect(types.get('encoder.layer.5.output.dense.weight_quantized')).toBe(onnx.TensorProto.DataType.INT8);
    expect(types.has('encoder.layer.5.output.dense.weight')).toBe(false);
  });

  it('weighs what the official int8 file weighs, within 2%', () => {
    expect(Math.abs(bytes - OFFICIAL_INT8_BYTES) / OFFICIAL_INT8_BYTES).toBeLessThan(0.02);
  });

  it('is found in a model folder under its official name and embeds like the fp32 twin it rounds', async () => {
    expect(int8.modelFile).toBe(modelPath);
    expect(int8.modelId).not.toBe(fp32.modelId);
    const texts = ['The dentist appointment is on Friday at nine', 'Anna lives in Porto', 'ok'];
    const a = await int8.embed(texts);
    const b = await fp32.embed(texts);
    for (let i = 0; i < texts.length; i++) {
      expect(a[i]!.length).toBe(384);
      expect(a[i]!.every(Number.isFinite)).toBe(true);
      let dot = 0;
      for (let j = 0; j < 384; j++) dot += a[i]![j]! * b[i]![j]!;
      expect(dot).toBeGreaterThan(0.99);
    }
    // Rounded, not copied: the int8 vectors differ from the fp32 ones.
    expect(a[0]).not.toEqual(b[0]);
  });
});
