/**
 * Single-fact encode at 100k facts, step by step: the whole encode, its near-duplicate scan and
 * its write transaction (from the memory's query timings), beside the bare embedding of the same
 * kind of text, encode by encode, on a copy of a cached memory with its indexes loaded.
 *
 *   npx tsx scripts/perf/encode-profile.ts [--db FILE] [--n 60]
 */
import fs from 'node:fs';
import path from 'node:path';
import { summarize } from '../../bench/lib/stats';
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';
import { fixturePath, PERF_DIR, twinModelDir } from './recall-fixture';
import { perfQueries } from './recall-queries';

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const source = arg('--db') ?? fixturePath(100_000);
  const n = Number(arg('--n') ?? 60);
  const dbPath = path.join(PERF_DIR, `encode-profile-${process.pid}.db`);
  fs.copyFileSync(source, dbPath);
  const embedder = createNodeEmbedderPool({ modelDir: twinModelDir(), threads: 2, workers: 1 });
  const memory = Memory.open({ dbPath, embedder });
  const steps: Record<string, number[]> = {};
  memory.onQueryTimed((step, seconds) => (steps[step] ??= []).push(seconds * 1000));
  try {
    if (!(await embedder.ready())) throw new Error(`embedder: ${embedder.lastError?.message}`);
    await memory.indexesLoaded();
    const texts = perfQueries(2 * n + 10).map((t, i) => `${t} (${i})`);
    for (const t of texts.slice(0, 10)) await memory.encode({ content: t });
    for (const k of Object.keys(steps)) delete steps[k];
    const total: number[] = [];
    const embed: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      await memory.encode({ content: texts[10 + i]! });
      total.push(performance.now() - t);
      t = performance.now();
      await embedder.embed([texts[10 + n + i]!], { persist: false });
      embed.push(performance.now() - t);
    }
    const line = (name: string, xs: number[]) => {
      const s = summarize(xs);
      console.log(
        `${name.padEnd(28)} P50 ${s.p50.toFixed(2).padStart(7)}  P95 ${s.p95.toFixed(2).padStart(7)}`,
      );
    };
    console.log(`encode profile: ${path.basename(source)}, ${n} encodes, ms`);
    line('encode end to end', total);
    line('embedding alone', embed);
    for (const [step, xs] of Object.entries(steps)) line(`  ${step}`, xs);
  } finally {
    await memory.close();
    await embedder.close();
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
