/**
 * The 100k-fact memory the recall and cold-start profiles read: built once with the twin model and
 * cached under /tmp/hippo-perf (outside the repo), since importing it takes about ten minutes.
 *
 *   npx tsx scripts/perf/recall-fixture.ts [--facts 100000] [--out /tmp/hippo-perf/recall-100k.db]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';
import { categoryOf, pickFact, readJsonl, resolveDataFiles, type FactLine } from '../../bench/lib/bench-data';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PERF_DIR = '/tmp/hippo-perf';
export const twinModelDir = (): string => path.join(repoRoot, 'test', '.models', 'twin');

/**
 * The shared 100k rule: every sentence in file order, then adjacent pairs of the same source
 * (line i + ' ' + line i+1), then triples the same way, until n facts.
 */
export function scaledFacts(lines: readonly FactLine[], n: number): FactLine[] {
  const out: FactLine[] = [];
  for (let width = 1; out.length < n; width++) {
    if (width > lines.length) throw new Error(`only ${out.length} facts can be made, wanted ${n}`);
    for (let i = 0; i + width <= lines.length && out.length < n; i++) {
      const group = lines.slice(i, i + width);
      if (group.some((l) => l.source !== group[0]!.source)) continue;
      out.push({ content: group.map((l) => l.content).join(' '), source: group[0]!.source });
    }
  }
  return out;
}

export const fixturePath = (facts: number): string =>
  path.join(PERF_DIR, `recall-${facts >= 1000 ? `${facts / 1000}k` : facts}.db`);

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const n = Number(arg('--facts') ?? 100_000);
  const out = arg('--out') ?? fixturePath(n);
  if (fs.existsSync(out)) {
    console.log(`${out} exists; delete it to rebuild`);
    return;
  }
  const data = resolveDataFiles(repoRoot);
  const facts = scaledFacts(readJsonl(data.facts, pickFact), n);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.building`;
  fs.rmSync(tmp, { force: true });
  const embedder = createNodeEmbedderPool({ modelDir: twinModelDir(), threads: 2, workers: 1 });
  if (!(await embedder.ready())) throw new Error(`embedder did not start: ${embedder.lastError?.message}`);
  // Merging off, as in the bench: the twin's random weights put every pair near cosine 0.9.
  const memory = Memory.open({ dbPath: tmp, embedder, tuning: { mergeThreshold: 1.01 } });
  const started = performance.now();
  const counts = { created: 0, duplicate: 0, merged: 0 };
  for (let i = 0; i < facts.length; i += 256) {
    const chunk = facts.slice(i, i + 256).map((f) => ({ ...f, category: categoryOf(f.source) }));
    for (const r of await memory.encodeMany(chunk)) counts[r.status]++;
    if ((i / 256) % 40 === 0) {
      const s = (performance.now() - started) / 1000;
      console.error(`${i + chunk.length}/${facts.length} (${((i + chunk.length) / s).toFixed(0)}/s)`);
    }
  }
  await memory.close();
  await embedder.close();
  fs.renameSync(tmp, out);
  console.log(`${out}: ${JSON.stringify(counts)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
