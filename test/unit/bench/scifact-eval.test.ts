import { describe, expect, it } from 'vitest';
import { evalMarkdown, evalTargets, EvalResultSchema } from '../../../bench/eval';
import { recallAt, typingQuery, typoQuery } from '../../../bench/lib/scifact-eval';

describe('recallAt', () => {
  const relevant = new Map([
    ['a', 1],
    ['b', 2],
    ['z', 0],
  ]);
  it('is the share of relevant documents (grade > 0) in the top k', () => {
    expect(recallAt(10, ['x', 'a', 'y'], relevant)).toBe(0.5);
    expect(recallAt(2, ['x', 'y', 'a', 'b'], relevant)).toBe(0);
    expect(recallAt(4, ['x', 'y', 'a', 'b'], relevant)).toBe(1);
    // A grade-0 judgement is not relevant.
    expect(recallAt(10, ['z'], relevant)).toBe(0);
    expect(recallAt(10, ['a'], new Map())).toBe(0);
  });
});

describe('eval results', () => {
  const scores = { queries: 300, ndcgAt10: 0.7, recallAt10: 0.8, recallAt100: 0.9 };
  it('hold the word path to 0.69 always, and hybrid to 0.72 only with the real model', () => {
    expect(evalTargets({ scores: { text: scores }, model: null, docs: 5183 })).toEqual([
      { config: 'text', target: 0.69, pass: true },
    ]);
    const twin = { scores: { text: { ...scores, ndcgAt10: 0.68 }, hybrid: scores }, docs: 5183 };
    expect(evalTargets({ ...twin, model: { name: 'twin', id: 't' } })).toEqual([
      { config: 'text', target: 0.69, pass: false },
    ]);
    expect(evalTargets({ ...twin, model: { name: 'real', id: 'r' } })).toEqual([
      { config: 'text', target: 0.69, pass: false },
      { config: 'hybrid', target: 0.72, pass: false },
    ]);
  });

  it('print as a table naming the model, with a dash for a ranking not run', () => {
    const r = EvalResultSchema.parse({
      version: 1,
      kind: 'eval',
      timestamp: '2026-11-27T00:00:00.000Z',
      command: 'tsx bench/eval.ts',
      machine: 'Xeon, 2 cores',
      model: null,
      docs: 5183,
      queries: 300,
      scores: { text: scores },
      targets: [{ config: 'text', target: 0.69, pass: true }],
    });
    const md = evalMarkdown(r).split('\n');
    expect(md).toContain('| word path alone (BM25 + proximity) | 0.7000 | 0.8000 | 0.9000 |');
    expect(md).toContain('| hybrid | - | - | - |');
    expect(md).toContain('- text nDCG@10 >= 0.69: PASS (0.7000)');
  });
});

describe('mistyped queries for the robustness rows', () => {
  it('cuts the last long word to 60% of its letters and drops what follows', () => {
    expect(typingQuery('Vitamin D deficiency raises the risk of fractures.')).toBe(
      'Vitamin D deficiency raises the risk of fractu',
    );
    expect(typingQuery('ALDH1 expression is associated with poor outcome in ER')).toBe(
      'ALDH1 expression is associated with poor outco',
    );
    expect(typingQuery('a b c')).toBe('a b c');
  });

  it('swaps the two middle letters of the longest word, or doubles a middle double letter', () => {
    expect(typoQuery('Vitamin D deficiency raises risk')).toBe('Vitamin D defiicency raises risk');
    expect(typoQuery('the hypertension')).toBe('the hyperetnsion');
    expect(typoQuery('the inflammation')).toBe('the inflammmation');
    expect(typoQuery('a cat')).toBe('a cat');
  });
});
