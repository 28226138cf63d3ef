/**
 * The cold-start probe, run as a fresh child process (see cold-start.ts: bundled to plain
 * JavaScript as the CLI is, or with the tsx loader when it cannot be bundled): opens an existing
 * bench database with the embedder and answers one hybrid recall, then, as an app that has been
 * open a while, waits for the in-memory indexes to finish loading, answers more recalls and reads
 * its own RSS and its embedder worker's. Writes two JSON lines on stdout: the timings as soon as
 * the first recall is answered (the parent times that line), then the RSS.
 * argv: dbPath modelDir firstQuery [steadyQuery...], every query new to the embedder.
 */
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';
import { childPids, procRssMb } from './proc-rss';

async function probe(): Promise<void> {
  const entered = performance.now();
  const [dbPath, modelDir, query, ...steadyQueries] = process.argv.slice(2);
  if (!dbPath || !modelDir || !query) {
    throw new Error('usage: cold-start-worker dbPath modelDir query [steadyQuery...]');
  }
  // As the app starts: the worker loads the model while the database opens.
  const embedder = createNodeEmbedderPool({ modelDir, threads: 2, workers: 1 });
  const memory = Memory.open({ dbPath, embedder });
  const opened = performance.now();
  try {
    const results = await memory.recall(query, undefined, { limit: 10, trackAccess: false });
    const answered = performance.now();
    process.stdout.write(
      `${JSON.stringify({
        // performance.now() counts from this process's start, so `entered` is the runtime's boot.
        bootMs: entered,
        openMs: opened - entered,
        firstRecallMs: answered - opened,
        results: results.length,
        mode: memory.mode,
      })}\n`,
    );

    // The app a while later: the background index load done (the memory map released after it),
    // some recalls answered. Peak (VmHWM) includes the load; steady (VmRSS) is what it keeps.
    await memory.indexesLoaded();
    for (const q of steadyQueries) await memory.recall(q, undefined, { limit: 10, trackAccess: false });
    const app = procRssMb(process.pid);
    // The embedder worker is this process's only child.
    const workers = childPids(process.pid)
      .map(procRssMb)
      .filter((r): r is NonNullable<typeof r> => r !== null);
    process.stdout.write(
      `${JSON.stringify({
        steadyRecalls: steadyQueries.length,
        // Where /proc is missing: getrusage's peak for the app, nothing for the worker.
        appPeakMb: app?.peakMb ?? process.resourceUsage().maxRSS / 1024,
        appMb: app?.nowMb ?? null,
        workerPeakMb: workers.length > 0 ? Math.max(...workers.map((w) => w.peakMb)) : null,
        workerMb: workers.length > 0 ? Math.max(...workers.map((w) => w.nowMb)) : null,
      })}\n`,
    );
  } finally {
    await memory.close();
    await embedder.close();
  }
}

// Only as a script (the .ts under tsx, or its bundle): importing this file does nothing.
if (/cold-start-worker\.(ts|mjs)$/.test(process.argv[1] ?? '')) {
  probe().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
