import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/main/memory/normalize-content';
import { blockSource, planVaultImport, type VaultBlock, type VaultFact } from '../../../src/cli/vault-plan';
import { LIMITS } from '../../../src/shared/contract';

const block = (file: string, heading: string | null, content: string): VaultBlock => ({
  file,
  source: blockSource('V', file, heading),
  content,
  created_at: 1,
});
let nextId = 1;
const fact = (b: VaultBlock, content = b.content, source = b.source): VaultFact => ({
  id: nextId++,
  content,
  content_hash: contentHash(content),
  source,
});

describe('planVaultImport', () => {
  it('creates everything the first time', () => {
    const blocks = [block('a.md', null, 'One.'), block('a.md', 'H', 'Two.')];
    expect(planVaultImport(blocks, [])).toEqual({
      unchanged: 0,
      moved: [],
      edited: [],
      create: blocks,
      forget: [],
    });
    expect(blocks.map((b) => b.source)).toEqual(['vault:V/a.md', 'vault:V/a.md#H']);
  });

  it('keeps unchanged paragraphs, edits changed ones in place, moves moved ones, creates new ones and forgets removed ones', () => {
    const a1 = block('a.md', 'H', 'The cat is called Miso.');
    const a2 = block('a.md', 'H', 'The dog is called Pip.');
    const a3 = block('a.md', 'Old', 'A paragraph that will move.');
    const b1 = block('b.md', null, 'A paragraph that will be deleted.');
    const facts = [fact(a1), fact(a2), fact(a3), fact(b1)];
    const [fa1, fa2, fa3, fb1] = facts.map((f) => f.id) as [number, number, number, number];

    const now = [
      block('a.md', 'H', 'the cat is called miso'), // same wording up to case and the full stop
      block('a.md', 'H', 'The dog is called Pip, he is four.'), // edited in place
      block('c.md', 'New', 'A paragraph that will move.'), // moved to another note
      block('a.md', 'H', 'A brand new paragraph.'),
    ];
    expect(planVaultImport(now, facts)).toEqual({
      unchanged: 1,
      moved: [{ id: fa3, source: 'vault:V/c.md#New' }],
      edited: [{ id: fa2, content: 'The dog is called Pip, he is four.' }],
      create: [now[3]],
      forget: [fb1],
    });
    expect(fa1).toBeGreaterThan(0);
  });

  it('pairs edits under a heading by the words they share, and never edits two facts into the same wording', () => {
    const old = [
      block('a.md', 'H', 'The boiler is serviced in March.'),
      block('a.md', 'H', 'The car is blue.'),
    ];
    const facts = old.map((b) => fact(b));
    const now = [
      block('a.md', 'H', 'A new first paragraph about tulips.'),
      block('a.md', 'H', 'The car is dark blue.'),
      block('a.md', 'H', 'The boiler is serviced in April.'),
    ];
    const plan = planVaultImport(now, facts);
    expect(plan.edited).toEqual([
      { id: facts[1]!.id, content: 'The car is dark blue.' },
      { id: facts[0]!.id, content: 'The boiler is serviced in April.' },
    ]);
    expect(plan.create).toEqual([now[0]]);
    expect(plan.forget).toEqual([]);

    const same = [block('a.md', 'H', 'The car is red.'), block('a.md', 'H', 'The car is red.')];
    const twice = planVaultImport(same, facts);
    expect(twice.edited).toEqual([{ id: facts[1]!.id, content: 'The car is red.' }]);
    expect(twice.create).toEqual([same[1]]); // the import finds it a duplicate
    expect(twice.forget).toEqual([facts[0]!.id]); // a rewrite sharing too few words is not an edit
  });

  it('re-planning after applying a plan changes nothing', () => {
    const blocks = [block('a.md', null, 'One.'), block('n/b.md', 'H', 'Two.'), block('n/b.md', 'H', 'Two.')];
    // After the first import: one fact per distinct wording (the second "Two." was a duplicate).
    const facts = [fact(blocks[0]!), fact(blocks[1]!)];
    expect(planVaultImport(blocks, facts)).toEqual({
      unchanged: 2,
      moved: [],
      edited: [],
      create: [blocks[2]],
      forget: [],
    });
  });

  it('cuts a source to the length a source may have', () => {
    expect(blockSource('V', 'a.md', 'h'.repeat(2000)).length).toBe(LIMITS.sourceMaxChars);
  });
});
