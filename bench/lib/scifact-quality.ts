import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ManagedEmbedder } from '../../src/main/embedder/embedder-pool';
import { Memory } from '../../src/main/memory/memory';
import { readJsonl } from './bench-data';

export interface ScifactDoc {
  id: string;
  content: string;
}

export interface ScifactQuery {
  id: string;
  text: string;
}

/** Relevance grade per (query id, document id), from qrels_test.tsv. */
export type Qrels = Map<string, Map<string, number>>;

const isObject = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null;

/** One document per corpus line: title and text as one fact, as BEIR's SciFact runs use them. */
export function pickDoc(r: unknown): ScifactDoc | null {
  if (!isObject(r) || typeof r._id !== 'string' || typeof r.text !== 'string') return null;
  const title = typeof r.title === 'string' ? r.title.trim() : '';
  const content = title ? `${title} ${r.text.trim()}` : r.text.trim();
  return content === '' ? null : { id: r._id, content };
}

export function pickScifactQuery(r: unknown): ScifactQuery | null {
  return isObject(r) && typeof r._id === 'string' && typeof r.text === 'string' && r.text.trim() !== ''
    ? { id: r._id, text: r.text }
    : null;
}

export function parseQrels(tsv: string): Qrels {
  const out: Qrels = new Map();
  for (const [i, line] of tsv.split('\n').entries()) {
    if (line.trim() === '' || (i === 0 && line.startsWith('query-id'))) continue;
    const [q, d, s] = line.split('\t');
    const grade = Number(s);
    if (!q || !d || !Number.isFinite(grade)) throw new Error(`qrels line ${i + 1}: ${JSON.stringify(line)}`);
    const m = out.get(q) ?? new Map<string, number>();
    m.set(d, grade);
    out.set(q, m);
  }
  return out;
}

/** nDCG@k of one ranked list of document ids (gain = grade, log2 discount; the trec_eval form). */
export function ndcgAt(k: number, ranked: readonly string[], relevant: ReadonlyMap<string, number>): number {
  const dcg = (gains: number[]): number => gains.reduce((sum, g, i) => sum + g / Math.log2(i + 2), 0);
  const got = dcg(ranked.slice(0, k).map((id) => relevant.get(id) ?? 0));
  const ideal = dcg(
    [...relevant.values()]
      .filter((g) => g > 0)
      .sort((a, b) => b - a)
      .slice(0, k),
  );
  return ideal === 0 ? 0 : got / ideal;
}

export interface ScifactQuality {
  docs: number;
  queries: number;
  ndcgAt10: number;
  /** 'text-only' (no embedder) or 'hybrid'. */
  mode: string;
  /** The model's id in hybrid mode. */
  modelId: string | null;
}

/** Each abstract is stored with this source and its id, so a result names its document. */
export const SOURCE_PREFIX = 'scifact-doc:';

/** The document ids of results, in order (results of other sources skipped). */
export function scifactDocIds(sources: readonly (string | null | undefined)[]): string[] {
  return sources
    .map((s) => s ?? '')
    .filter((s) => s.startsWith(SOURCE_PREFIX))
    .map((s) => s.slice(SOURCE_PREFIX.length));
}

export interface ScifactData {
  docs: ScifactDoc[];
  /** The queries judged in qrels_test.tsv, in file order. */
  tested: ScifactQuery[];
  qrels: Qrels;
}

/** The corpus, the test queries and their judgements from `<dataDir>/scifact`. */
export function loadScifact(dataDir: string): ScifactData {
  const dir = path.join(dataDir, 'scifact');
  const docs = readJsonl(path.join(dir, 'corpus.jsonl'), pickDoc);
  const queries = readJsonl(path.join(dir, 'queries.jsonl'), pickScifactQuery);
  const qrels = parseQrels(fs.readFileSync(path.join(dir, 'qrels_test.tsv'), 'utf8'));
  const tested = queries.filter((q) => qrels.has(q.id));
  if (tested.length === 0) throw new Error(`no query of ${dir}/queries.jsonl is in qrels_test.tsv`);
  return { docs, tested, qrels };
}

/**
 * SciFact nDCG@10 of Memory.recall over the corpus (5,183 abstracts) for the test queries in
 * qrels_test.tsv. Without an embedder the Memory runs text-only, which grades the word path alone.
 */
export async function scifactNdcg(
  dataDir: string,
  embedder: ManagedEmbedder | null,
  log: (line: string) => void = () => undefined,
): Promise<ScifactQuality> {
  const { docs, tested, qrels } = loadScifact(dataDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-bench-scifact-'));
  // Abstracts are distinct documents: merging near-duplicates would hide some from the ranking.
  const memory = Memory.open({
    dbPath: path.join(tmp, 'scifact.db'),
    embedder,
    tuning: { mergeThreshold: 1.01 },
  });
  try {
    for (let i = 0; i < docs.length; i += 500) {
      await memory.encodeMany(
        docs.slice(i, i + 500).map((d) => ({ content: d.content, source: `${SOURCE_PREFIX}${d.id}` })),
      );
      if (embedder) log(`SciFact corpus ${Math.min(i + 500, docs.length)}/${docs.length}`);
    }
    let sum = 0;
    for (const q of tested) {
      const results = await memory.recall(q.text, undefined, { limit: 10, trackAccess: false });
      const ranked = scifactDocIds(results.map((r) => r.source));
      sum += ndcgAt(10, ranked, qrels.get(q.id)!);
    }
    return {
      docs: docs.length,
      queries: tested.length,
      ndcgAt10: sum / tested.length,
      mode: memory.mode,
      modelId: embedder ? (embedder.modelId ?? 'unknown') : null,
    };
  } finally {
    await memory.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
