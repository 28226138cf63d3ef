/**
 * What recall costs the main thread with no model (the word path alone, plus time words,
 * proximity, expansion, tie-breakers and snippets): p50 and mean of text-only Memory.recall over
 * the SciFact queries (first six words, as people type), on the first N SciFact sentences. No
 * embedding is timed, so this is the part of a recall the bench's HTTP figures add to the model's.
 *
 *   npx tsx scripts/perf/text-recall-cost.ts [--facts 10000]
 *
 * Measured 2026-11-28 at 10,000 facts on this 2-core machine (see the README's Recall quality):
 * the commit before issue 8's word steps and this one, run back to back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pickFact, pickQueryText, readJsonl } from '../../bench/lib/bench-data';
import { Memory } from '../../src/main/memory/memory';

const { values } = parseArgs({ options: { facts: { type: 'string' } } });
const n = Number(values.facts ?? 10_000);
const data = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const facts = readJsonl(path.join(data, 'facts', 'scifact-sentences.jsonl'), pickFact).slice(0, n);
const queries = readJsonl(path.join(data, 'scifact', 'queries.jsonl'), pickQueryText).map((q) =>
  q.split(/\s+/).slice(0, 6).join(' '),
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-text-cost-'));
const memory = Memory.open({ dbPath: path.join(dir, 'hippo.db'), embedder: null });
try {
  await memory.importInChunks(facts, { chunkSize: 1000 });
  await memory.indexesLoaded();
  for (const q of queries.slice(0, 50)) await memory.recall(q, undefined, { trackAccess: false });
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const started = performance.now();
      await memory.recall(q, undefined, { trackAccess: false });
      times.push(performance.now() - started);
    }
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${facts.length} facts, ${times.length} text-only recalls: p50 ${times[times.length >> 1]!.toFixed(3)} ms, ` +
      `p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(3)} ms, mean ${mean.toFixed(3)} ms`,
  );
} finally {
  await memory.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
