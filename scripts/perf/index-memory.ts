/**
 * What the in-memory indexes of a memory cost: JS heap, ArrayBuffers and RSS after opening the
 * database (memory map off, as the app runs once its indexes are built), after building the word
 * index, and after building the vector index.
 *
 *   node --expose-gc --import tsx scripts/perf/index-memory.ts [--db FILE]
 */
import { parseArgs } from 'node:util';
import { FactsRepo } from '../../src/main/memory/facts-repo';
import { openDb } from '../../src/main/memory/open-db';
import { fixturePath } from './recall-fixture';

const { values } = parseArgs({ options: { db: { type: 'string' } } });
const { db } = openDb(values.db ?? fixturePath(100_000));
const facts = new FactsRepo(db);
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`.padStart(7);
const line = (step: string): void => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(
    `${step.padEnd(14)} heap ${mb(m.heapUsed)}  ArrayBuffers ${mb(m.arrayBuffers)}  RSS ${mb(m.rss)}`,
  );
};
db.pragma('mmap_size = 0');
line('opened');
facts.text.current();
line('word index');
facts.vectors.current();
line('vector index');
db.close();
