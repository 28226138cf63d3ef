/**
 * The embedding models Hippo can use, by the short name the settings, `hippo model use` and the
 * IPC speak. Both read the same BERT uncased WordPiece vocabulary (tokenizer.json), so the
 * tokenizer and windowing code is shared; they differ in size, pooling and how a query is worded.
 *
 * - minilm (default): sentence-transformers/all-MiniLM-L6-v2, 384 dimensions, mean pooling. Small
 *   (90 MB, 23 MB int8) and fast: ~6 layers of width 384.
 * - bge-base: BAAI/bge-base-en-v1.5, 768 dimensions, CLS pooling, L2-normalized. About 5x the
 *   compute of MiniLM per text (12 layers of width 768) and 436 MB of weights, for better retrieval
 *   (MTEB retrieval ~53 against ~42). Its model card asks for queries (not passages) to be prefixed
 *   with an instruction; documents are embedded as they are.
 *
 * Vectors of two models are never compared: each vector records its model id (see Memory's
 * adoptModel), and the id starts with the catalogue name so a person can read which model made it.
 */
import { HippoError } from './errors';

export const MODEL_NAMES = ['minilm', 'bge-base'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const DEFAULT_MODEL: ModelName = 'minilm';

export type Pooling = 'mean' | 'cls';

/** What the worker needs to turn a model's output into one vector per text. */
export interface ModelRuntime {
  name: ModelName;
  dims: number;
  pooling: Pooling;
}

export interface ModelSpec extends ModelRuntime {
  /** Folder name under <user data>/models and the packaged resources/models. */
  folder: string;
  /** The Hugging Face repository the weights come from. */
  source: string;
  /** Prepended to a recall query (never to a stored fact) before it is embedded. */
  queryPrefix: string;
  /** Download size of the fp32 weights and tokenizer, for the settings screen and the README. */
  approxBytes: number;
  /** Relative embedding cost per text (MiniLM = 1), for "how to choose". */
  relativeCost: number;
  /** One line for people choosing. */
  summary: string;
  /**
   * The pinned manifests in resources/ (fp32, and int8 when there is one), or null with the reason
   * the model cannot be downloaded by Hippo yet (it can still be placed in its folder by hand).
   */
  download: { fp32: string; int8?: string } | { unavailable: string };
}

export const MODEL_CATALOG: Readonly<Record<ModelName, ModelSpec>> = Object.freeze({
  minilm: {
    name: 'minilm',
    folder: 'all-MiniLM-L6-v2',
    source: 'sentence-transformers/all-MiniLM-L6-v2 (ONNX export: Xenova/all-MiniLM-L6-v2)',
    dims: 384,
    pooling: 'mean',
    queryPrefix: '',
    approxBytes: 91_000_000,
    relativeCost: 1,
    summary: 'small and fast; good for short personal notes (default)',
    download: { fp32: 'model-manifest.json', int8: 'model-manifest-int8.json' },
  },
  'bge-base': {
    name: 'bge-base',
    folder: 'bge-base-en-v1.5',
    source: 'BAAI/bge-base-en-v1.5 (ONNX weights in the repository\u2019s onnx/ folder)',
    dims: 768,
    pooling: 'cls',
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    approxBytes: 437_000_000,
    relativeCost: 5,
    summary: 'larger and slower; better retrieval on longer, varied text',
    download: {
      unavailable:
        'Hippo does not pin the exact sizes and sha256 of bge-base-en-v1.5\u2019s files yet, so it will not ' +
        'download them. Put onnx/model.onnx, tokenizer.json and tokenizer_config.json from ' +
        'https://huggingface.co/BAAI/bge-base-en-v1.5 into the model folder by hand',
    },
  },
});

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** The spec of a catalogue name; BAD_INPUT naming the choices for anything else. */
export function modelSpec(name: string): ModelSpec {
  if (!isModelName(name))
    throw new HippoError(
      'BAD_INPUT',
      `model: unknown model "${name}"; choose one of ${MODEL_NAMES.join(', ')}`,
    );
  return MODEL_CATALOG[name];
}

/** The catalogue name a model id starts with ("bge-base:1a2b…"), or null for an id of no known model. */
export function modelNameOfId(modelId: string): ModelName | null {
  const name = modelId.split(':')[0] ?? '';
  return isModelName(name) ? name : null;
}
