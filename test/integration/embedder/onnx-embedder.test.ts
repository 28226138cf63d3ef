import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxEmbedder, type OnnxEmbedder } from '../../../src/utility/onnx-embedder';
import { dot, LEXICAL_DIR, norm, TWIN_DIR } from './helpers';

const words = (topic: string[], n: number) =>
  Array.from({ length: n }, (_, i) => topic[i % topic.length]).join(' ');
const CATS = ['cat', 'kitten', 'purr', 'whiskers', 'meow', 'fur', 'paw', 'tail'];
const MONEY = ['stock', 'market', 'bond', 'price', 'trade', 'bank', 'profit', 'loss'];

describe('loadOnnxEmbedder (lexical model, in process)', () => {
  let e: OnnxEmbedder;
  beforeAll(async () => {
    e = await loadOnnxEmbedder(LEXICAL_DIR, { threads: 1 });
  });
  afterAll(() => e?.close());

  it('gives unit vectors of 384 floats and a stable model id', async () => {
    const [v] = await e.embed(['hello world']);
    expect(v).toHaveLength(384);
    expect(norm(v!)).toBeCloseTo(1, 5);
    expect(e.modelId).toMatch(/^minilm:[0-9a-f]{16}$/);
    const again = await loadOnnxEmbedder(LEXICAL_DIR, { threads: 1 });
    expect(again.modelId).toBe(e.modelId);
    await again.close();
  });

  it('places texts sharing words closer than unrelated texts', async () => {
    const [a, b, c] = await e.embed([
      'the cat sat on the mat',
      'a cat sat on a mat',
      'quarterly bond yields rose',
    ]);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
  });

  it('embeds the whole of a long text, not just its first window', async () => {
    const cats = words(CATS, 400);
    const money = words(MONEY, 400);
    const [both, catsOnly, moneyOnly] = await e.embed([`${cats} ${money}`, cats, money]);
    expect(norm(both!)).toBeCloseTo(1, 5);
    // Truncating to 256 tokens would leave only the cat words; the money half must count too.
    expect(dot(both!, moneyOnly!)).toBeGreaterThan(dot(catsOnly!, moneyOnly!) + 0.2);
    expect(dot(both!, catsOnly!)).toBeGreaterThan(dot(catsOnly!, moneyOnly!) + 0.2);
  });
});

describe('loadOnnxEmbedder (twin model, in process)', () => {
  let e: OnnxEmbedder;
  beforeAll(async () => {
    e = await loadOnnxEmbedder(TWIN_DIR, { threads: 2 });
  });
  afterAll(() => e?.close());

  it('gives the same vectors in a padded mixed-length batch as one text at a time', async () => {
    const texts = ['short', 'a somewhat longer sentence about the weather today', words(CATS, 60), ''];
    const together = await e.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await e.embed([text]);
      expect(dot(alone!, together[i]!)).toBeGreaterThan(0.99999);
    }
  });

  it('fails with MODEL_MISSING for a folder without weights', async () => {
    await expect(loadOnnxEmbedder('/nonexistent/model')).rejects.toMatchObject({ code: 'MODEL_MISSING' });
  });
});
