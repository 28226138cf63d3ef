/**
 * The cold-start probe, run as a fresh child process with the tsx loader (see cold-start.ts): opens
 * an existing bench database with the embedder, answers one hybrid recall and reports its timings
 * on stdout as one JSON line. argv: dbPath modelDir query.
 */
import { createNodeEmbedderPool } from '../../src/main/embedder/embedder-client';
import { Memory } from '../../src/main/memory/memory';

async function probe(): Promise<void> {
  const entered = performance.now();
  const [dbPath, modelDir, query] = process.argv.slice(2);
  if (!dbPath || !modelDir || !query) throw new Error('usage: cold-start-worker dbPath modelDir query');
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
        // The app's own peak RSS with this memory open and one recall answered (no bench data).
        rssMb: process.resourceUsage().maxRSS / 1024,
      })}\n`,
    );
  } finally {
    await memory.close();
    await embedder.close();
  }
}

// Only as a script: importing this file does nothing.
if (process.argv[1]?.endsWith('cold-start-worker.ts')) {
  probe().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
