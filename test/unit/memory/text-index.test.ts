import { describe, expect, it } from 'vitest';
import { TextIndex, type TextDoc } from '../../../src/main/memory/text-index';

function doc(id: number, words: string, over: Partial<TextDoc> = {}): TextDoc {
  const terms = new Map<string, number>();
  for (const w of words.split(' ')) terms.set(w, (terms.get(w) ?? 0) + 1);
  return {
    id,
    space: 'personal',
    live: true,
    category: 'general',
    confidence: 1,
    createdAt: id,
    labelId: 0,
    terms,
    ...over,
  };
}

/** FTS5's bm25 written out for a tiny corpus, to check the index's arithmetic by hand. */
function bm25(docs: TextDoc[], target: TextDoc, terms: string[]): number {
  const n = docs.length;
  const len = (d: TextDoc) => [...d.terms.values()].reduce((a, b) => a + b, 0);
  const avg = docs.reduce((a, d) => a + len(d), 0) / n;
  let score = 0;
  for (const t of terms) {
    const hits = docs.filter((d) => d.terms.has(t)).length;
    let idf = Math.log((n - hits + 0.5) / (hits + 0.5));
    if (idf <= 0) idf = 1e-6;
    const tf = target.terms.get(t) ?? 0;
    score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * len(target)) / avg));
  }
  return -score;
}

describe('TextIndex', () => {
  const docs = [
    doc(1, 'priya live in toronto'),
    doc(2, 'priya like green tea tea tea'),
    doc(3, 'the cat live on the boat'),
    doc(4, 'green boat'),
    doc(5, 'tea time'),
    doc(6, 'nothing relev here at all'),
  ];

  it('ranks an OR query by FTS5 bm25, counting non-live documents in the statistics', () => {
    const index = new TextIndex();
    for (const d of docs) index.upsert(d);
    index.upsert({ ...doc(7, 'tea boat'), live: false });
    const all = [...docs, { ...doc(7, 'tea boat'), live: false }];
    const hits = index.search('personal', ['tea', 'boat'], 10);
    expect(hits.map((h) => h.id).sort()).toEqual([2, 3, 4, 5]);
    for (const h of hits) expect(h.rank).toBeCloseTo(bm25(all, all[h.id - 1]!, ['tea', 'boat']), 12);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.rank).toBeGreaterThanOrEqual(hits[i - 1]!.rank);
    expect(index.search('personal', ['tea', 'boat'], 2)).toEqual(hits.slice(0, 2));
  });

  it('applies space and every filter', () => {
    const index = new TextIndex();
    index.upsert(doc(1, 'tea', { space: 'work' }));
    index.upsert(doc(2, 'tea', { category: 'preference' }));
    index.upsert(doc(3, 'tea', { labelId: 9 }));
    index.upsert(doc(4, 'tea', { confidence: 0.2 }));
    index.upsert(doc(5, 'tea', { createdAt: 500 }));
    const ids = (f: Parameters<TextIndex['search']>[3], space = 'personal') =>
      index
        .search(space, ['tea'], 10, f)
        .map((h) => h.id)
        .sort();
    expect(ids({})).toEqual([2, 3, 4, 5]);
    expect(ids({}, 'work')).toEqual([1]);
    expect(ids({ category: 'preference' })).toEqual([2]);
    expect(ids({ category: 'unknown' })).toEqual([]);
    expect(ids({ labelId: 9 })).toEqual([3]);
    expect(ids({ minConfidence: 0.5 })).toEqual([2, 3, 5]);
    expect(ids({ since: 100 })).toEqual([5]);
    expect(ids({ until: 4 })).toEqual([2, 3, 4]);
    expect(index.search('nowhere', ['tea'], 10)).toEqual([]);
  });

  it('replaces and removes documents, keeping the statistics right', () => {
    const index = new TextIndex();
    for (const d of docs) index.upsert(d);
    index.upsert(doc(2, 'coffee only'));
    index.remove(5);
    index.remove(5);
    expect(index.size).toBe(5);
    expect(index.search('personal', ['tea'], 10)).toEqual([]);
    const now = [docs[0]!, doc(2, 'coffee only'), docs[2]!, docs[3]!, docs[5]!];
    const hit = index.search('personal', ['coffee'], 10);
    expect(hit.map((h) => h.id)).toEqual([2]);
    expect(hit[0]!.rank).toBeCloseTo(bm25(now, now[1]!, ['coffee']), 12);
    // A freed slot is reused by the next document without mixing up the two.
    index.upsert(doc(8, 'tea again'));
    expect(index.search('personal', ['tea'], 10).map((h) => h.id)).toEqual([8]);
  });

  it('after compact() (as a load ends), edits and removals still leave it as one built afresh', () => {
    // Loaded as LiveText does: documents, then postings term by term with room reserved.
    const loaded = new TextIndex();
    const words = ['alpha', 'beta', 'gamma', 'delta', 'tea', 'boat'];
    const corpus = Array.from({ length: 300 }, (_, i) =>
      doc(i + 1, words.filter((_, w) => (i * (w + 3)) % (w + 2) === 0).join(' ') || 'alone'),
    );
    for (const d of corpus) loaded.addDocument(d);
    const byTerm = new Map<string, [number, number][]>();
    for (const d of corpus)
      for (const [t, c] of d.terms) byTerm.set(t, [...(byTerm.get(t) ?? []), [d.id, c]]);
    for (const [t, postings] of byTerm) {
      const termId = loaded.termIdOf(t);
      loaded.reservePostings(termId, postings.length + 2);
      for (const [id, c] of postings) loaded.addLoadedPosting(termId, id, c);
    }
    loaded.compact();
    const fresh = new TextIndex();
    for (const d of corpus) fresh.upsert(d);
    const same = () => {
      for (const t of [...words, 'alone', 'new']) {
        expect(loaded.search('personal', [t, 'tea'], 20), t).toEqual(
          fresh.search('personal', [t, 'tea'], 20),
        );
      }
    };
    same();
    // Removals undo every posting of the packed documents; edits and new ones use their own lists.
    for (let id = 1; id <= 300; id += 7) {
      loaded.remove(id);
      fresh.remove(id);
    }
    for (let id = 2; id <= 300; id += 11) {
      loaded.upsert(doc(id, 'new tea words'));
      fresh.upsert(doc(id, 'new tea words'));
    }
    same();
    loaded.addTerm(3, 'gamma', 2);
    fresh.addTerm(3, 'gamma', 2);
    same();
    // A second compact() keeps it so.
    loaded.compact();
    for (let id = 5; id <= 300; id += 13) {
      loaded.remove(id);
      fresh.remove(id);
    }
    same();
  });

  it('breaks ties by id and handles more than a thousand documents', () => {
    const index = new TextIndex();
    for (let i = 3000; i >= 1; i--) index.upsert(doc(i, i % 3 === 0 ? 'common word' : 'common other'));
    const hits = index.search('personal', ['word'], 5);
    expect(hits.map((h) => h.id)).toEqual([3, 6, 9, 12, 15]);
    expect(index.search('personal', [], 5)).toEqual([]);
    expect(index.search('personal', ['absent'], 5)).toEqual([]);
  });
});
