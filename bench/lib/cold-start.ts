import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ColdStart {
  /** Spawn to the first recall's answer, as the parent saw it. */
  totalMs: number;
  /** The child's runtime and loader boot, before the probe's code ran. */
  bootMs: number;
  /** Memory.open (migrations check, statements) with the embedder worker starting. */
  openMs: number;
  /** The first recall: model load wait, index builds from SQLite, query embedding, search. */
  firstRecallMs: number;
  results: number;
  mode: string;
  /** The probe process's peak RSS, MB: an app with this memory open after its first recall. */
  rssMb: number;
}

/**
 * Times a fresh process opening an existing database and answering its first hybrid recall: a
 * child run with the tsx loader (as the HTTP load generator is), so it pays what a restarted app pays.
 */
export async function measureColdStart(dbPath: string, modelDir: string, query: string): Promise<ColdStart> {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cold-start-worker.ts');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', loader, worker, dbPath, modelDir, query], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let answeredAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (answeredAt === null && out.includes('\n')) answeredAt = performance.now();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0 || answeredAt === null) {
    throw new Error(`cold-start probe failed (exit ${code}): ${err.trim().slice(-500)}`);
  }
  const report = JSON.parse(out.split('\n')[0]!) as Omit<ColdStart, 'totalMs'>;
  return { totalMs: answeredAt - started, ...report };
}
