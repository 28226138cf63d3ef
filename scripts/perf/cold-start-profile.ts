/**
 * Cold start at 100k facts: a fresh process (spawned) from start to its first answered recall,
 * with the indexes built in the background (the default) against built by the first recall
 * (loadIndexes: false), alternately in the same run; then, in the same child, the time until the
 * indexes are built, recall latency afterwards and the process's RSS after those recalls.
 *
 *   npx tsx scripts/perf/cold-start-profile.ts [--db FILE] [--runs 2] [--recalls 100]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize } from '../../bench/lib/stats';
import { fixturePath, PERF_DIR, repoRoot, twinModelDir } from './recall-fixture';
import { perfQueries } from './recall-queries';

interface ChildReport {
  /** From the child's first line of this script to: */
  importedMs: number;
  openMs: number;
  firstRecallMs: number;
  /** Indexes built (background) or loaded (first recall), from open. */
  indexesMs: number;
  recallP50: number;
  recallP95: number;
  rssMb: number;
  /** Linux: RSS split into anonymous memory and file pages (SQLite's memory map). */
  rssAnonMb: number;
  rssFileMb: number;
  heapMb: number;
  embedderReadyMs: number;
  /** The first recall's database steps (sqlite-vec / FTS5 while the indexes load), ms. */
  firstSteps: string;
  /** Wall clock (epoch ms) of the first answer. */
  firstRecallAt: number;
}

async function child(dbPath: string, background: boolean, recalls: number, offset: number): Promise<void> {
  const started = performance.now();
  const { createNodeEmbedderPool } = await import('../../src/main/embedder/embedder-client');
  const { Memory } = await import('../../src/main/memory/memory');
  const importedMs = performance.now() - started;
  const queries = perfQueries(offset + recalls + 1).slice(offset);
  const embedder = createNodeEmbedderPool({ modelDir: twinModelDir(), threads: 2, workers: 1 });
  let embedderReadyMs = 0;
  void embedder.ready().then(() => (embedderReadyMs = performance.now() - started));
  const memory = Memory.open({ dbPath, embedder, loadIndexes: background });
  const openMs = performance.now() - started;
  const firstSteps: string[] = [];
  const stopTiming = memory.onQueryTimed((type, seconds) =>
    firstSteps.push(`${type} ${(seconds * 1000).toFixed(0)}`),
  );
  await memory.recall(queries[0]!);
  stopTiming();
  const firstRecallMs = performance.now() - started;
  const firstRecallAt = performance.timeOrigin + performance.now();
  await memory.indexesLoaded();
  const indexesMs = performance.now() - started - openMs;
  const ms: number[] = [];
  for (const q of queries.slice(1)) {
    const t = performance.now();
    await memory.recall(q);
    ms.push(performance.now() - t);
  }
  const s = summarize(ms);
  const report: ChildReport = {
    importedMs,
    openMs,
    firstRecallMs,
    indexesMs: background ? indexesMs : firstRecallMs - openMs,
    recallP50: s.p50,
    recallP95: s.p95,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    rssAnonMb: statusKb('RssAnon') / 1024,
    rssFileMb: statusKb('RssFile') / 1024,
    embedderReadyMs,
    firstSteps: firstSteps.join(', '),
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
    firstRecallAt,
  };
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
  await memory.close();
  await embedder.close();
}

function statusKb(field: string): number {
  try {
    const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function runChild(
  dbPath: string,
  background: boolean,
  recalls: number,
  offset: number,
): Promise<ChildReport & { spawnToFirstRecallMs: number }> {
  const spawnedAt = performance.timeOrigin + performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        dbPath,
        String(background),
        String(recalls),
        String(offset),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('REPORT '));
      if (code !== 0 || !line) return reject(new Error(`child exited ${code}: ${out}`));
      const report = JSON.parse(line.slice(7)) as ChildReport;
      // Includes starting Node and the tsx loader (a packaged app starts bundled JS instead).
      resolve({ ...report, spawnToFirstRecallMs: report.firstRecallAt - spawnedAt });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    await child(argv[1]!, argv[2] === 'true', Number(argv[3]), Number(argv[4]));
    return;
  }
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const source = arg('--db') ?? fixturePath(100_000);
  const runs = Number(arg('--runs') ?? 2);
  const recalls = Number(arg('--recalls') ?? 100);
  if (!fs.existsSync(source)) throw new Error(`${source} missing: run scripts/perf/recall-fixture.ts first`);
  const dbPath = path.join(PERF_DIR, `cold-start-${process.pid}.db`);
  fs.copyFileSync(source, dbPath);
  try {
    console.log(`cold start: ${path.basename(source)}, ${runs} runs per mode, ${recalls} recalls after, ms`);
    let offset = 0;
    for (let run = 0; run < runs; run++) {
      for (const background of [true, false]) {
        const r = await runChild(dbPath, background, recalls, offset);
        offset += recalls + 1;
        console.log(
          `${background ? 'background load  ' : 'load at 1st recall'}  spawn to 1st recall ${r.spawnToFirstRecallMs.toFixed(0)}, ` +
            `script start to 1st recall ${r.firstRecallMs.toFixed(0)} ` +
            `(open ${r.openMs.toFixed(0)}, embedder ready ${r.embedderReadyMs.toFixed(0)}, steps ${r.firstSteps})  ` +
            `indexes ${r.indexesMs.toFixed(0)}  ` +
            `then recall P50 ${r.recallP50.toFixed(1)} P95 ${r.recallP95.toFixed(1)}  RSS ${r.rssMb.toFixed(0)} MB ` +
            `(anonymous ${r.rssAnonMb.toFixed(0)}, file pages ${r.rssFileMb.toFixed(0)}, JS heap ${r.heapMb.toFixed(0)})`,
        );
      }
    }
  } finally {
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
  }
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
