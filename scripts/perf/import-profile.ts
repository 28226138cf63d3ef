/**
 * Bulk import against the embedding ceiling, measured in one process run on one machine load.
 *
 *   npx tsx scripts/perf/import-profile.ts [--facts 10000] [--chunk 500] [--samples 8]
 *     [--segment 5] [--workers N] [--threads N]
 *
 * Imports the first --facts lines of ../shared/data/facts/scifact-sentences.jsonl twice, into two
 * temp SQLite files, with the twin model (test/.models/twin), in chunks of --chunk facts (one
 * transaction each, as `hippo import`): pipelined (Memory.importInChunks, what `hippo import`
 * runs) and as before (Memory.encodeMany chunk after chunk on a client with one worker request in
 * flight). Interleaved with them, --samples bare embedding calls of --chunk of the same
 * sentences (chunks spread over the file) on a third embedder, same options, no database: the
 * ceiling. The two
 * imports go --segment chunks at a time, so all three share the machine's load. Prints facts/s
 * next to the ceiling's texts/s and their ratio, and where the pipelined import's wall time went
 * (near-duplicate search, write transactions, the rest = waiting for vectors) with this process's
 * CPU per fact, which on a 2-core machine is taken from the model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { interleave } from '../../bench/lib/interleave';
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The twin's random weights put every pair near cosine 0.9: merging off, the merge check still runs. */
const TUNING = { mergeThreshold: 1.01 } as const;

interface Line {
  content: string;
  source?: string;
}

/** A stable category per source document, as bench/lib/bench-data.ts assigns them. */
function categoryOf(source: string | undefined): string {
  const id = source?.match(/(\d+)\s*$/)?.[1];
  return `topic-${id === undefined ? 0 : Number(id.slice(-9)) % 8}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      facts: { type: 'string', default: '10000' },
      chunk: { type: 'string', default: '500' },
      samples: { type: 'string', default: '8' },
      segment: { type: 'string', default: '5' },
      workers: { type: 'string' },
      threads: { type: 'string' },
      data: { type: 'string', default: path.resolve(repoRoot, '..', 'shared', 'data', 'facts') },
    },
  });
  const nFacts = Number(values.facts);
  const chunk = Number(values.chunk);
  const samples = Number(values.samples);
  const segment = Number(values.segment);
  const modelDir = path.join(repoRoot, 'test', '.models', 'twin');
  if (!fs.existsSync(path.join(modelDir, 'onnx', 'model.onnx')))
    throw new Error(`no twin model in ${modelDir}: run \`npm run models\``);

  const lines = fs
    .readFileSync(path.join(values.data!, 'scifact-sentences.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);
  const facts = lines.slice(0, nFacts);
  // The ceiling embeds chunks of the imported sentences themselves (same lengths), spread over
  // the file, on an embedder of its own so neither side finds the other's vectors cached.
  const allChunks = chunks(
    facts.map((f) => f.content),
    chunk,
  );
  const ceilingBatches = Array.from(
    { length: samples },
    (_, i) => allChunks[Math.floor(((i + 0.5) * allChunks.length) / samples)]!,
  );
  const warmup = lines.slice(nFacts, nFacts + 64).map((l) => l.content);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-import-profile-'));
  const embedderOpts = {
    modelDir,
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
  };
  const embedder = createNodeEmbedderPool(embedderOpts);
  const ceilingEmbedder = createNodeEmbedderPool(embedderOpts);
  // The engine as it was: one worker request at a time, each chunk embedded, then written.
  const oldEmbedder = createNodeEmbedderPool({ ...embedderOpts, maxInFlight: 1 });
  const memories: Memory[] = [];
  try {
    for (const e of [embedder, oldEmbedder, ceilingEmbedder])
      if (!(await e.ready())) throw new Error(`embedder: ${e.lastError?.message}`);
    const open = (name: string, e: typeof embedder): Memory => {
      const m = Memory.open({ dbPath: path.join(tmp, name), embedder: e, tuning: TUNING });
      memories.push(m);
      return m;
    };
    const mem = open('pipelined.db', embedder);
    const oldMem = open('serial.db', oldEmbedder);
    const bare = async (texts: string[]): Promise<void> => {
      await ceilingEmbedder.embed(texts);
    };
    for (const e of [embedder, oldEmbedder, ceilingEmbedder]) await e.embed(warmup);

    const steps: Record<string, number> = { encode_knn: 0, encode_write: 0 };
    mem.onQueryTimed((type, seconds) => {
      steps[type] = (steps[type] ?? 0) + seconds * 1000;
    });
    const items = facts.map((f) => ({
      content: f.content,
      source: f.source,
      category: categoryOf(f.source),
    }));
    const segments = chunks(items, chunk * segment);
    const statuses = { created: 0, duplicate: 0, merged: 0 };
    const oldStatuses = { created: 0, duplicate: 0, merged: 0 };
    let cpuMicros = 0;
    const wall = await interleave({
      pipelined: {
        count: segments.length,
        run: async (i) => {
          const cpu = process.cpuUsage();
          await mem.importInChunks(segments[i]!, {
            chunkSize: chunk,
            onChunk: (rs) => rs.forEach((r) => statuses[r.status]++),
          });
          const d = process.cpuUsage(cpu);
          cpuMicros += d.user + d.system;
        },
      },
      serial: {
        count: segments.length,
        run: async (i) => {
          for (const part of chunks(segments[i]!, chunk))
            for (const r of await oldMem.encodeMany(part)) oldStatuses[r.status]++;
        },
      },
      ceiling: { count: samples, run: (i) => bare(ceilingBatches[i]!) },
    });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const importMs = sum(wall.pipelined);
    const factsPerS = items.length / (importMs / 1000);
    const serialPerS = items.length / (sum(wall.serial) / 1000);
    const ceilingPerS = (samples * chunk) / (sum(wall.ceiling) / 1000);
    const perFact = (ms: number) => `${((ms / items.length) * 1000).toFixed(0)} µs/fact`;
    const report = {
      facts: items.length,
      chunk,
      workers: 'size' in embedder ? (embedder as { size: number }).size : 1,
      ceiling_texts_per_s: Math.round(ceilingPerS),
      import_facts_per_s: Math.round(factsPerS),
      ratio: Number((factsPerS / ceilingPerS).toFixed(3)),
      before_facts_per_s: Math.round(serialPerS),
      before_ratio: Number((serialPerS / ceilingPerS).toFixed(3)),
      statuses,
      before_statuses: oldStatuses,
      breakdown: {
        dedup_knn: perFact(steps.encode_knn!),
        write_transaction: perFact(steps.encode_write!),
        embedding_wait_and_rest: perFact(importMs - steps.encode_knn! - steps.encode_write!),
        main_process_cpu: perFact(cpuMicros / 1000),
      },
      machine: { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))) },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const m of memories) await m.close();
    await Promise.all([embedder.close(), oldEmbedder.close(), ceilingEmbedder.close()]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
