/**
 * The facts about sentence-transformers/all-MiniLM-L6-v2 (Xenova's ONNX export) that the generated
 * models copy, so the runtime code cannot tell them apart from the real one by shape or interface.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MINILM = {
  vocabSize: 30522,
  hidden: 384,
  layers: 6,
  heads: 12,
  headDim: 32,
  intermediate: 1536,
  maxPositions: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  initializerRange: 0.02,
} as const;

/** Special token ids in MiniLM's vocab.txt (BERT uncased). */
export const SPECIAL_TOKEN_IDS = { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } as const;

/** Graph interface of the export: names, order and symbolic dims. */
export const INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
export const OUTPUT_NAME = 'last_hidden_state';
export const BATCH_DIM = 'batch_size';
export const SEQ_DIM = 'sequence_length';

/** Files a model folder holds beside onnx/model.onnx, copied verbatim from the real export. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'config.json',
  'special_tokens_map.json',
  'vocab.txt',
] as const;

/** Relative path of the weights inside a model folder, as in the Hugging Face repo. */
export const MODEL_FILE = path.join('onnx', 'model.onnx');
/** The int8 weights' path, as the official export names its dynamically quantized file. */
export const QUANTIZED_MODEL_FILE = path.join('onnx', 'model_quantized.onnx');

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (scripts/model-gen/../..). */
export const REPO_ROOT = path.resolve(here, '..', '..');

/**
 * Where the real tokenizer files live: /work/shared beside the repo (../shared from the repo root),
 * overridable for checkouts laid out differently.
 */
export function tokenizerSourceDir(): string {
  return (
    process.env.HIPPO_TOKENIZER_SOURCE_DIR ??
    path.resolve(REPO_ROOT, '..', 'shared', 'models', 'all-MiniLM-L6-v2')
  );
}

/** Default output root used by `npm run models`, tests and benchmarks. */
export const DEFAULT_MODELS_ROOT = path.join(REPO_ROOT, 'test', '.models');
