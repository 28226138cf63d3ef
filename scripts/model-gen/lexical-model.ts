/**
 * The *lexical* test model: last_hidden_state is a row of a seeded token-embedding table per token.
 *
 * After the runtime's mean pooling and L2 normalization, a text's vector is a weighted sum of
 * nearly orthogonal random directions (384-d Gaussian rows), one per distinct word piece, so cosine
 * similarity tracks shared content words: enough meaning for dedup, label matching and fusion tests.
 * Function words, punctuation and special tokens get short rows so they barely move the mean;
 * [PAD] gets a long one on purpose, so pooling that forgets the attention mask is visibly wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BATCH_DIM, INPUT_NAMES, MINILM, OUTPUT_NAME, SEQ_DIM, SPECIAL_TOKEN_IDS } from './minilm-spec';
import { DataType, GraphBuilder, attr } from './onnx-writer';
import { SeededRandom } from './prng';

export const LEXICAL_SEED = 0x1e71ca1;

/** Row norms by token kind; content tokens are ~1. */
export const LEXICAL_ROW_NORMS = {
  content: 1,
  stopword: 0.1,
  punctuation: 0.1,
  special: 0.05,
  pad: 4,
} as const;

/**
 * Common English function words. Not exhaustive: enough that "the cat sat on the mat" and
 * "a cat sat on a mat" are judged by cat/sat/mat, not by the/a/on.
 */
const STOPWORDS = new Set(
  `a an the and or but if then else so of in on at by for with about against between into through
  during before after above below to from up down out off over under again further once here there
  when where why how all any both each few more most other some such no nor not only own same than
  too very s t can will just don should now is am are was were be been being have has had having do
  does did doing i me my myself we our ours ourselves you your yours yourself yourselves he him his
  himself she her hers herself it its itself they them their theirs themselves what which who whom
  this that these those as until while would could might must shall may also ll re ve d m`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

export type TokenKind = keyof typeof LEXICAL_ROW_NORMS;

export function classifyToken(token: string, id: number): TokenKind {
  if (id === SPECIAL_TOKEN_IDS.pad) return 'pad';
  if (/^\[[^\]]+\]$/.test(token)) return 'special'; // [CLS], [SEP], [UNK], [MASK], [unusedN]
  if (!/[\p{L}\p{N}]/u.test(token)) return 'punctuation';
  if (STOPWORDS.has(token)) return 'stopword';
  return 'content';
}

/** The seeded table: row i ~ N(0, I/384) scaled so its expected norm is LEXICAL_ROW_NORMS[kind(i)]. */
export function lexicalEmbeddingTable(vocab: readonly string[], seed = LEXICAL_SEED): Float32Array {
  const { hidden } = MINILM;
  const table = new Float32Array(vocab.length * hidden);
  const rng = new SeededRandom(seed);
  const unitStd = 1 / Math.sqrt(hidden);
  vocab.forEach((token, id) => {
    const std = unitStd * LEXICAL_ROW_NORMS[classifyToken(token, id)];
    // Every row draws the same count of numbers, so a change of one row's kind moves no other row.
    rng.fillNormal(table.subarray(id * hidden, (id + 1) * hidden), std);
  });
  return table;
}

export function buildLexicalModel(vocab: readonly string[]): Uint8Array {
  const { hidden, typeVocabSize } = MINILM;
  if (vocab.length !== MINILM.vocabSize) {
    throw new Error(`lexical model: vocab.txt has ${vocab.length} tokens, expected ${MINILM.vocabSize}`);
  }
  const g = new GraphBuilder('hippo_lexical_minilm');
  const [inputIds, attentionMask, tokenTypeIds] = INPUT_NAMES;
  for (const name of INPUT_NAMES) g.input(name, DataType.INT64, [BATCH_DIM, SEQ_DIM]);

  const table = g.floatTensor(
    'embeddings.word_embeddings.weight',
    [vocab.length, hidden],
    lexicalEmbeddingTable(vocab),
  );
  // All-zero token-type rows keep token_type_ids a real, used input without changing the output.
  const typeTable = g.floatTensor(
    'embeddings.token_type_embeddings.weight',
    [typeVocabSize, hidden],
    new Float32Array(typeVocabSize * hidden),
  );
  const words = g.op('Gather', [table, inputIds], 'word_embeds', { axis: attr.int(0) });
  const types = g.op('Gather', [typeTable, tokenTypeIds], 'type_embeds', { axis: attr.int(0) });
  const summed = g.op('Add', [words, types], 'embeds');
  // attention_mask is used only as a zero-valued term: masking padded rows is the pooling's job,
  // exactly as with the real model, whose padded rows are non-zero too.
  const maskFloat = g.op('Cast', [attentionMask], 'mask_float', { to: attr.int(DataType.FLOAT) });
  const zero = g.floatScalar('zero', 0);
  const maskZero = g.op('Mul', [maskFloat, zero], 'mask_zero');
  const maskZero3d = g.op(
    'Unsqueeze',
    [maskZero, g.int64Tensor('unsqueeze_last_axis', [1], [-1])],
    'mask_zero_3d',
  );
  g.op('Add', [summed, maskZero3d], OUTPUT_NAME);
  g.output(OUTPUT_NAME, DataType.FLOAT, [BATCH_DIM, SEQ_DIM, hidden]);

  return g.toBytes(
    'Hippo lexical test model: MiniLM interface, seeded token-embedding table. Not a sentence encoder.',
  );
}

export async function readVocab(tokenizerDir: string): Promise<string[]> {
  const text = await readFile(path.join(tokenizerDir, 'vocab.txt'), 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}
