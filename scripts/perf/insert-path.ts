/**
 * The write path of one new embedded fact, two ways, interleaved in one run on one load:
 * FactsRepo.insert + setEmbedding (before) and FactsRepo.insertEmbedded (what import writes now).
 *
 *   npx tsx scripts/perf/insert-path.ts [--rows 5000] [--chunk 500]
 *
 * Two temp databases grow side by side in transactions of --chunk rows, random unit vectors, no
 * model. Prints µs per row for each and their ratio.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { interleave } from '../../bench/lib/interleave';
import { FactsRepo, type NewFact } from '../../src/main/memory/facts-repo';
import { openDb } from '../../src/main/memory/open-db';
import { normalize } from '../../src/main/memory/vector';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '5000' }, chunk: { type: 'string', default: '500' } },
});
const rows = Number(values.rows);
const chunk = Number(values.chunk);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hippo-insert-path-'));

function fact(i: number): NewFact {
  return {
    space: 'default',
    content: `fact number ${i} about ${['apples', 'trains', 'violins', 'glaciers'][i % 4]} and ${i * 7}`,
    content_hash: `hash-${i}`,
    category: `topic-${i % 8}`,
    confidence: 1,
    label_id: null,
    source: null,
    created_at: 1_700_000_000_000 + i,
    updated_at: 1_700_000_000_000 + i,
    deleted_at: null,
    superseded_by: null,
  };
}

const vectors = Array.from({ length: chunk }, () =>
  normalize(Float32Array.from({ length: 384 }, () => Math.random() - 0.5)),
);

async function main(): Promise<void> {
  const before = openDb(path.join(tmp, 'before.db')).db;
  const after = openDb(path.join(tmp, 'after.db')).db;
  try {
    const beforeRepo = new FactsRepo(before);
    const afterRepo = new FactsRepo(after);
    const n = Math.ceil(rows / chunk);
    const wall = await interleave({
      before: {
        count: n,
        run: async (c) =>
          before.transaction(() => {
            for (let i = 0; i < chunk; i++) {
              const id = beforeRepo.insert(fact(c * chunk + i));
              beforeRepo.setEmbedding(id, vectors[i]!, 'model');
            }
          })(),
      },
      after: {
        count: n,
        run: async (c) =>
          after.transaction(() => {
            for (let i = 0; i < chunk; i++)
              afterRepo.insertEmbedded(fact(c * chunk + i), vectors[i]!, 'model');
          })(),
      },
    });
    const perRow = (ms: number[]) => (ms.reduce((a, b) => a + b, 0) * 1000) / (n * chunk);
    const b = perRow(wall.before);
    const a = perRow(wall.after);
    process.stdout.write(
      `${JSON.stringify({ rows: n * chunk, chunk, before_us_per_row: Math.round(b), after_us_per_row: Math.round(a), ratio: Number((a / b).toFixed(3)), loadavg: os.loadavg()[0] })}\n`,
    );
  } finally {
    before.close();
    after.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
