/**
 * The *twin*: MiniLM's BERT encoder graph, operator for operator as the transformers ONNX export
 * lays it out (embeddings + LayerNorm, 6 × [self-attention, residual + LayerNorm, Erf-GELU FFN,
 * residual + LayerNorm]), with seeded random weights. Its vectors mean nothing; its compute cost is
 * the real model's, so benchmarks measure what users will pay.
 */
import { BATCH_DIM, INPUT_NAMES, MINILM, OUTPUT_NAME, SEQ_DIM } from './minilm-spec';
import { DataType, GraphBuilder, attr } from './onnx-writer';
import { normalTensor } from './prng';

export const TWIN_SEED = 0x7a1a2b3;

/** float32's lowest value, the additive mask the export uses for padded keys. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Symmetric per-tensor int8, as onnxruntime's quantize_dynamic stores QInt8 weights (zero point 0). */
function quantizeInt8(values: Float32Array): { q: Int8Array; scale: number } {
  let maxAbs = 0;
  for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs === 0 ? 1 : maxAbs / 127;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++)
    q[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scale)));
  return { q, scale };
}

export interface TwinOptions {
  /**
   * Build the int8 twin instead: the graph onnxruntime's dynamic quantization makes of the export
   * (the official onnx/model_quantized.onnx): embedding tables and linear weights stored as int8
   * with a scale, activations quantized per call by DynamicQuantizeLinear, products by MatMulInteger,
   * embedding rows restored by DequantizeLinear. Same weights as the fp32 twin, rounded.
   */
  quantized?: boolean;
}

export function buildTwinModel(seed = TWIN_SEED, opts: TwinOptions = {}): Uint8Array {
  const { hidden, heads, headDim, intermediate, vocabSize, maxPositions, typeVocabSize, layerNormEps } =
    MINILM;
  const std = MINILM.initializerRange;
  const quantized = opts.quantized === true;
  const g = new GraphBuilder(quantized ? 'hippo_twin_minilm_int8' : 'hippo_twin_minilm');
  const [inputIds, attentionMask, tokenTypeIds] = INPUT_NAMES;
  for (const name of INPUT_NAMES) g.input(name, DataType.INT64, [BATCH_DIM, SEQ_DIM]);

  const weight = (name: string, dims: number[], mean = 0, scale = std): string =>
    g.floatTensor(
      name,
      dims,
      normalTensor(
        seed,
        name,
        dims.reduce((a, b) => a * b, 1),
        scale,
        mean,
      ),
    );
  // LayerNorm gains near 1 and small biases: random enough to exercise the math, tame enough to stay finite.
  const layerNorm = (x: string, prefix: string, out: string): string =>
    g.op(
      'LayerNormalization',
      [x, weight(`${prefix}.weight`, [hidden], 1), weight(`${prefix}.bias`, [hidden])],
      out,
      { axis: attr.int(-1), epsilon: attr.float(layerNormEps) },
    );
  const weightValues = (name: string, dims: number[]): Float32Array =>
    normalTensor(
      seed,
      name,
      dims.reduce((a, b) => a * b, 1),
      std,
      0,
    );
  const int8Weight = (name: string, dims: number[]): { q: string; scale: string; zero: string } => {
    const { q, scale } = quantizeInt8(weightValues(name, dims));
    return {
      q: g.int8Tensor(`${name}_quantized`, dims, q),
      scale: g.floatScalar(`${name}_scale`, scale),
      zero: g.int8Tensor(`${name}_zero_point`, [], Int8Array.of(0)),
    };
  };
  /** An activation quantized for this call: uint8 values, their scale and zero point. */
  const dynamicQuantize = (x: string, out: string): [string, string, string] =>
    g.node('DynamicQuantizeLinear', [x], [`${out}_q`, `${out}_scale`, `${out}_zero_point`]) as [
      string,
      string,
      string,
    ];
  /** a × b in integers, back to float by the product of both scales. */
  const integerProduct = (
    a: [string, string, string],
    b: { q: string; scale: string; zero: string },
    out: string,
  ): string => {
    const ints = g.op('MatMulInteger', [a[0], b.q, a[2], b.zero], `${out}_int32`);
    const floats = g.op('Cast', [ints], `${out}_float`, { to: attr.int(DataType.FLOAT) });
    return g.op('Mul', [floats, g.op('Mul', [a[1], b.scale], `${out}_scale`)], out);
  };
  const matmul = (a: string, b: string, out: string): string => {
    if (!quantized) return g.op('MatMul', [a, b], out);
    const [bq, bScale, bZero] = dynamicQuantize(b, `${out}_b`);
    return integerProduct(dynamicQuantize(a, `${out}_a`), { q: bq, scale: bScale, zero: bZero }, out);
  };
  const linear = (x: string, prefix: string, inDim: number, outDim: number, out: string): string => {
    // Stored as [in, out] (already transposed), as the export's MatMul initializers are.
    const product = quantized
      ? integerProduct(
          dynamicQuantize(x, `${out}_x`),
          int8Weight(`${prefix}.weight`, [inDim, outDim]),
          `${out}_matmul`,
        )
      : g.op('MatMul', [x, weight(`${prefix}.weight`, [inDim, outDim])], `${out}_matmul`);
    return g.op('Add', [weight(`${prefix}.bias`, [outDim]), product], out);
  };
  /** Rows of an embedding table (int8 table, rows dequantized, in the int8 twin). */
  const embeddingRows = (table: string, dims: number[], ids: string, out: string): string => {
    if (!quantized) return g.op('Gather', [weight(table, dims), ids], out, { axis: attr.int(0) });
    const w = int8Weight(table, dims);
    const rows = g.op('Gather', [w.q, ids], `${out}_quantized`, { axis: attr.int(0) });
    return g.op('DequantizeLinear', [rows, w.scale, w.zero], out);
  };

  // --- Embeddings: word + position + token type, then LayerNorm.
  const words = embeddingRows(
    'embeddings.word_embeddings.weight',
    [vocabSize, hidden],
    inputIds,
    'word_embeds',
  );
  const types = embeddingRows(
    'embeddings.token_type_embeddings.weight',
    [typeVocabSize, hidden],
    tokenTypeIds,
    'type_embeds',
  );
  // position_ids = the export's [1, 512] buffer sliced to the sequence length.
  const positionIds = g.int64Tensor(
    'embeddings.position_ids',
    [1, maxPositions],
    Array.from({ length: maxPositions }, (_, i) => i),
  );
  const seqLen = g.op('Shape', [inputIds], 'seq_len', { start: attr.int(1), end: attr.int(2) });
  const slicedPositions = g.op(
    'Slice',
    [positionIds, g.int64Tensor('const_zero_1d', [1], [0]), seqLen, g.int64Tensor('const_one_1d', [1], [1])],
    'position_ids',
  );
  const positions = embeddingRows(
    'embeddings.position_embeddings.weight',
    [maxPositions, hidden],
    slicedPositions,
    'position_embeds',
  );
  const embedSum = g.op('Add', [g.op('Add', [words, types], 'embeds_wt'), positions], 'embeds_wtp');
  let hiddenState = layerNorm(embedSum, 'embeddings.LayerNorm', 'embeddings_out');

  // --- Extended attention mask: (1 - mask[:, None, None, :]) * float32.min, added to the scores.
  const mask4d = g.op('Unsqueeze', [attentionMask, g.int64Tensor('mask_axes', [2], [1, 2])], 'mask_4d');
  const maskFloat = g.op('Cast', [mask4d], 'mask_4d_float', { to: attr.int(DataType.FLOAT) });
  const inverted = g.op('Sub', [g.floatScalar('const_one', 1), maskFloat], 'mask_inverted');
  const additiveMask = g.op(
    'Mul',
    [inverted, g.floatScalar('const_float_min', FLOAT32_MIN)],
    'mask_additive',
  );

  const headsShape = g.int64Tensor('shape_heads', [4], [0, 0, heads, headDim]);
  const mergedShape = g.int64Tensor('shape_merged', [3], [0, 0, hidden]);
  const scale = g.floatScalar('attention_scale', Math.sqrt(headDim));
  const sqrt2 = g.floatScalar('const_sqrt2', Math.SQRT2);
  const half = g.floatScalar('const_half', 0.5);
  const one = 'const_one';

  for (let l = 0; l < MINILM.layers; l++) {
    const p = `encoder.layer.${l}`;
    const n = (s: string): string => `l${l}_${s}`;
    const splitHeads = (x: string, name: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [x, headsShape], n(`${name}_heads`))], n(`${name}_t`), {
        perm: attr.ints(perm),
      });

    // Self-attention. K is transposed straight to [B, H, D, S], as the export does.
    const q = splitHeads(
      linear(hiddenState, `${p}.attention.self.query`, hidden, hidden, n('q')),
      'q',
      [0, 2, 1, 3],
    );
    const k = splitHeads(
      linear(hiddenState, `${p}.attention.self.key`, hidden, hidden, n('k')),
      'k',
      [0, 2, 3, 1],
    );
    const v = splitHeads(
      linear(hiddenState, `${p}.attention.self.value`, hidden, hidden, n('v')),
      'v',
      [0, 2, 1, 3],
    );
    const scores = g.op('Div', [matmul(q, k, n('scores_raw')), scale], n('scores_scaled'));
    const probs = g.op('Softmax', [g.op('Add', [scores, additiveMask], n('scores'))], n('probs'), {
      axis: attr.int(-1),
    });
    const context = matmul(probs, v, n('context_heads'));
    const merged = g.op(
      'Reshape',
      [g.op('Transpose', [context], n('context_t'), { perm: attr.ints([0, 2, 1, 3]) }), mergedShape],
      n('context'),
    );
    const attnOut = linear(merged, `${p}.attention.output.dense`, hidden, hidden, n('attn_dense'));
    const attnResidual = g.op('Add', [attnOut, hiddenState], n('attn_residual'));
    const attnNormed = layerNorm(attnResidual, `${p}.attention.output.LayerNorm`, n('attn_out'));

    // FFN with the exact (Erf) GELU: x * 0.5 * (1 + erf(x / √2)).
    const inter = linear(attnNormed, `${p}.intermediate.dense`, hidden, intermediate, n('inter'));
    const erf = g.op('Erf', [g.op('Div', [inter, sqrt2], n('gelu_div'))], n('gelu_erf'));
    const gelu = g.op(
      'Mul',
      [g.op('Mul', [inter, g.op('Add', [erf, one], n('gelu_add'))], n('gelu_mul')), half],
      n('gelu'),
    );
    const ffnOut = linear(gelu, `${p}.output.dense`, intermediate, hidden, n('ffn_dense'));
    const ffnResidual = g.op('Add', [ffnOut, attnNormed], n('ffn_residual'));
    const outName = l === MINILM.layers - 1 ? OUTPUT_NAME : n('out');
    hiddenState = layerNorm(ffnResidual, `${p}.output.LayerNorm`, outName);
  }

  g.output(OUTPUT_NAME, DataType.FLOAT, [BATCH_DIM, SEQ_DIM, hidden]);
  return g.toBytes(
    quantized
      ? "Hippo int8 twin test model: all-MiniLM-L6-v2's dynamically quantized graph and shapes with seeded random weights. Vectors are meaningless."
      : "Hippo twin test model: all-MiniLM-L6-v2's graph and shapes with seeded random weights. Vectors are meaningless.",
  );
}
