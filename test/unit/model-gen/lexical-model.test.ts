import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyToken } from '../../../scripts/model-gen/lexical-model';
import { writeLexicalModel } from '../../../scripts/model-gen/test-models';
import { cosine, embed, loadTokenizer, meanPool, tempDir } from './helpers';

describe('lexical test model', () => {
  let dir: string;
  let session: ort.InferenceSession;
  let tokenizer: Tokenizer;

  beforeAll(async () => {
    dir = await tempDir('lexical');
    await writeLexicalModel(dir);
    session = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'));
    tokenizer = await loadTokenizer(dir);
  }, 120_000);

  afterAll(async () => {
    await session?.release();
    await rm(dir, { recursive: true, force: true });
  });

  it("has MiniLM's interface", () => {
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
  });

  it('outputs [batch, seq, 384] finite values for a padded batch', async () => {
    const out = await embed(session, tokenizer, [
      'the cat sat on the mat',
      'hi',
      'a much longer sentence about cats',
    ]);
    expect(out.dims).toEqual([3, out.seq, 384]);
    expect(out.hidden.every(Number.isFinite)).toBe(true);
  });

  it('gives texts sharing words a clearly higher cosine than unrelated texts', async () => {
    const [cat, cat2, quantum] = (
      await embed(session, tokenizer, [
        'the cat sat on the mat',
        'a cat sat on a mat',
        'quantum chromodynamics lattice',
      ])
    ).vectors as [Float64Array, Float64Array, Float64Array];
    const related = cosine(cat, cat2);
    const unrelated = cosine(cat, quantum);
    expect(related).toBeGreaterThan(0.9);
    expect(Math.abs(unrelated)).toBeLessThan(0.2);
    expect(related - unrelated).toBeGreaterThan(0.7);
  });

  it('grades partial overlap between full overlap and none', async () => {
    const [base, half, none] = (
      await embed(session, tokenizer, [
        'buy milk and eggs tomorrow',
        'buy bread and butter tomorrow',
        'dentist appointment friday',
      ])
    ).vectors as [Float64Array, Float64Array, Float64Array];
    expect(cosine(base, half)).toBeGreaterThan(0.4);
    expect(cosine(base, half)).toBeLessThan(0.9);
    expect(cosine(base, half)).toBeGreaterThan(cosine(base, none) + 0.3);
  });

  it('embeds a text the same alone and padded in a batch, when pooling honours the mask', async () => {
    const alone = await embed(session, tokenizer, ['hi']);
    const batched = await embed(session, tokenizer, ['hi', 'a considerably longer text than the first one']);
    expect(cosine(alone.vectors[0] as Float64Array, batched.vectors[0] as Float64Array)).toBeCloseTo(1, 6);
    // [PAD] rows are long on purpose, so pooling that ignores the mask is visibly wrong.
    const unmasked = meanPool(batched.hidden, batched.mask, batched.batch, batched.seq, false);
    expect(cosine(alone.vectors[0] as Float64Array, unmasked[0] as Float64Array)).toBeLessThan(0.5);
  });

  it('classifies tokens so that filler words and specials stay quiet', () => {
    expect(classifyToken('[PAD]', 0)).toBe('pad');
    expect(classifyToken('[CLS]', 101)).toBe('special');
    expect(classifyToken('[unused5]', 6)).toBe('special');
    expect(classifyToken('the', 1996)).toBe('stopword');
    expect(classifyToken('!', 999)).toBe('punctuation');
    expect(classifyToken('cat', 4937)).toBe('content');
    expect(classifyToken('##ing', 2075)).toBe('content');
  });
});
