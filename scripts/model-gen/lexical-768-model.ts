/**
 * The *lexical-768* test model: the second size of the model catalogue (bge-base's 768 dimensions
 * and CLS pooling), as the lexical model is the first (MiniLM's 384 and mean pooling).
 *
 * Each token's row comes from a seeded 384-wide table (another seed than the lexical model's, so
 * the two models' vectors differ) projected to 768 by a seeded Gaussian matrix, which keeps the
 * rows nearly orthogonal: texts sharing content words still get similar vectors. Every position's
 * output is its own row plus the mean of the text's rows (attention mask applied), so the first
 * position, [CLS], whose own row is short, carries the text, and CLS pooling works as with BGE; mean
 * pooling gives the same direction too. [PAD]'s long row still shows pooling that ignores the mask.
 * About 48 MB (the 384-wide table plus a 1.2 MB projection), built in seconds.
 */
import { BATCH_DIM, INPUT_NAMES, MINILM, OUTPUT_NAME, SEQ_DIM } from './minilm-spec';
import { lexicalEmbeddingTable } from './lexical-model';
import { DataType, GraphBuilder, attr } from './onnx-writer';
import { SeededRandom } from './prng';

export const LEXICAL_768_SEED = 0x1e71c768;
export const LEXICAL_768_DIMS = 768;

export function buildLexical768Model(vocab: readonly string[]): Uint8Array {
  const { hidden, typeVocabSize } = MINILM;
  if (vocab.length !== MINILM.vocabSize) {
    throw new Error(`lexical-768 model: vocab.txt has ${vocab.length} tokens, expected ${MINILM.vocabSize}`);
  }
  const g = new GraphBuilder('hippo_lexical_768');
  const [inputIds, attentionMask, tokenTypeIds] = INPUT_NAMES;
  for (const name of INPUT_NAMES) g.input(name, DataType.INT64, [BATCH_DIM, SEQ_DIM]);

  const table = g.floatTensor(
    'embeddings.word_embeddings.weight',
    [vocab.length, hidden],
    lexicalEmbeddingTable(vocab, LEXICAL_768_SEED),
  );
  const typeTable = g.floatTensor(
    'embeddings.token_type_embeddings.weight',
    [typeVocabSize, hidden],
    new Float32Array(typeVocabSize * hidden),
  );
  // N(0, 1/768) entries keep a row's expected norm through the projection.
  const projection = new SeededRandom(LEXICAL_768_SEED ^ 0x5a5a).fillNormal(
    new Float32Array(hidden * LEXICAL_768_DIMS),
    1 / Math.sqrt(LEXICAL_768_DIMS),
  );
  const proj = g.floatTensor('projection.weight', [hidden, LEXICAL_768_DIMS], projection);

  const words = g.op('Gather', [table, inputIds], 'word_embeds', { axis: attr.int(0) });
  const types = g.op('Gather', [typeTable, tokenTypeIds], 'type_embeds', { axis: attr.int(0) });
  const summed = g.op('Add', [words, types], 'embeds');
  const rows = g.op('MatMul', [summed, proj], 'rows');

  const maskFloat = g.op('Cast', [attentionMask], 'mask_float', { to: attr.int(DataType.FLOAT) });
  const mask3d = g.op('Unsqueeze', [maskFloat, g.int64Tensor('unsqueeze_last_axis', [1], [-1])], 'mask_3d');
  const masked = g.op('Mul', [rows, mask3d], 'masked_rows');
  const seqAxis = g.int64Tensor('sequence_axis', [1], [1]);
  const total = g.op('ReduceSum', [masked, seqAxis], 'row_sum', { keepdims: attr.int(1) });
  const count = g.op('ReduceSum', [mask3d, seqAxis], 'row_count', { keepdims: attr.int(1) });
  const mean = g.op(
    'Div',
    [total, g.op('Max', [count, g.floatScalar('one', 1)], 'row_count_min1')],
    'row_mean',
  );
  g.op('Add', [rows, mean], OUTPUT_NAME);
  g.output(OUTPUT_NAME, DataType.FLOAT, [BATCH_DIM, SEQ_DIM, LEXICAL_768_DIMS]);

  return g.toBytes(
    'Hippo lexical-768 test model: the 768-dimension, CLS-pooled slot of the catalogue, seeded tables. Not a sentence encoder.',
  );
}
