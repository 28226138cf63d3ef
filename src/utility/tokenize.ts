import { Tokenizer } from '@huggingface/tokenizers';
import fs from 'node:fs';
import path from 'node:path';
import { MODEL_MAX_TOKENS } from '../shared/embedder-protocol';
import { HippoError } from '../shared/errors';

/** Token ids of one model input: [CLS] content… [SEP], unpadded. */
export type TokenWindow = number[];

export interface WindowOptions {
  /** Model window in tokens, including [CLS] and [SEP]. */
  maxTokens: number;
  /** Content tokens shared by neighbouring windows, so no token is only ever seen at a window's edge. */
  overlap: number;
}

/** 256-token windows (254 content tokens), neighbours sharing 64 tokens: a 190-token stride. */
export const DEFAULT_WINDOW: WindowOptions = { maxTokens: MODEL_MAX_TOKENS, overlap: 64 };

export interface SpecialIds {
  clsId: number;
  sepId: number;
}

/**
 * Long texts: sentence-transformers silently truncates to 256 tokens, which would make the tail of
 * a long note unsearchable. Instead the content ids are split into overlapping windows that
 * together cover every token; the embedder embeds each window and averages the window vectors
 * (weighted by content-token count) before re-normalizing (see combineWindows in mean-pool.ts).
 * The last window is aligned to the text's end, so it is full-size rather than a short tail whose
 * few tokens would get an outsized say in the average. Short texts give exactly one window, which
 * is what sentence-transformers computes for them.
 */
export function splitIntoWindows(
  contentIds: readonly number[],
  special: SpecialIds,
  opts: WindowOptions = DEFAULT_WINDOW,
): TokenWindow[] {
  const span = opts.maxTokens - 2;
  const stride = span - opts.overlap;
  if (span <= 0 || stride <= 0) {
    throw new HippoError('BAD_INPUT', `window of ${opts.maxTokens} tokens cannot overlap by ${opts.overlap}`);
  }
  const wrap = (start: number): TokenWindow => [
    special.clsId,
    ...contentIds.slice(start, start + span),
    special.sepId,
  ];
  const n = contentIds.length;
  if (n <= span) return [wrap(0)];
  const windows: TokenWindow[] = [];
  let start = 0;
  for (; start + span < n; start += stride) windows.push(wrap(start));
  windows.push(wrap(n - span));
  return windows;
}

export interface WindowTokenizer extends SpecialIds {
  padId: number;
  /** Content token ids without special tokens; never truncated. */
  encodeContent(text: string): number[];
  /** Model inputs covering every token of the text (one window for short texts). */
  windows(text: string): TokenWindow[];
}

/** Reads tokenizer.json + tokenizer_config.json from a model folder. */
export function loadTokenizer(modelDir: string, opts: WindowOptions = DEFAULT_WINDOW): WindowTokenizer {
  const read = (name: string): object => {
    const file = path.join(modelDir, name);
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as object;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'MODEL_MISSING' : 'MODEL_FAILED';
      throw new HippoError(code, `cannot read tokenizer file ${file}: ${(e as Error).message}`, { cause: e });
    }
  };
  const tokenizer = new Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const idOf = (token: string): number => {
    const id = tokenizer.token_to_id(token);
    if (id === undefined)
      throw new HippoError('MODEL_FAILED', `tokenizer in ${modelDir} has no ${token} token`);
    return id;
  };
  const special = { clsId: idOf('[CLS]'), sepId: idOf('[SEP]') };
  const padId = idOf('[PAD]');
  // The library ignores truncation/padding in tokenizer.json (which says 128 tokens): we encode
  // without special tokens and frame, cut and pad ourselves.
  const encodeContent = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;
  return {
    ...special,
    padId,
    encodeContent,
    windows: (text) => splitIntoWindows(encodeContent(text), special, opts),
  };
}
