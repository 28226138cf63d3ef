import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** How the probe ran: bundled to plain JavaScript as the CLI is, or TypeScript under the tsx loader. */
export type ColdStartRunner = 'bundled' | 'tsx';

/** The probe's RSS once its indexes have loaded and it has answered `steadyRecalls` more recalls, MB. */
export interface ColdStartRss {
  steadyRecalls: number;
  /** The app process's peak (VmHWM): the index load and the memory map included. */
  appPeakMb: number;
  /** The app process's resident set then (VmRSS); null where /proc is missing. */
  appMb: number | null;
  /** Its embedder worker's peak and resident set; null where /proc is missing. */
  workerPeakMb: number | null;
  workerMb: number | null;
}

export interface ColdStart {
  /** Spawn to the first recall's answer, as the parent saw it. */
  totalMs: number;
  /** The child's runtime (and, under tsx, loader) boot, before the probe's code ran. */
  bootMs: number;
  /** Memory.open (migrations check, statements) with the embedder worker starting. */
  openMs: number;
  /** The first recall: model load wait, index builds from SQLite, query embedding, search. */
  firstRecallMs: number;
  results: number;
  mode: string;
  runner: ColdStartRunner;
  rss: ColdStartRss;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const PROBE_SOURCE = path.join(here, 'cold-start-worker.ts');

let bundled: Promise<string | null> | null = null;

/**
 * Bundles the probe to <repo>/dist/bench/cold-start-worker.mjs with the options
 * scripts/build-node.mjs builds the CLI with (dependencies external, loaded from node_modules),
 * once per bench process, so the probe boots as the installed app does. Inside the repo because the
 * bundle finds node_modules and dist/embedder-worker.mjs by walking up from itself. Null (and the
 * reason logged) when esbuild is missing or fails: the probe then runs under tsx.
 */
export function bundleColdStartProbe(repoRoot: string, log: (line: string) => void): Promise<string | null> {
  bundled ??= (async () => {
    const outfile = path.join(repoRoot, 'dist', 'bench', 'cold-start-worker.mjs');
    try {
      const { build } = await import('esbuild');
      const out = await build({
        absWorkingDir: repoRoot,
        entryPoints: [PROBE_SOURCE],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'silent',
        write: false,
      });
      // Written whole and renamed: another bench run may be starting this probe right now.
      const tmp = `${outfile}.${process.pid}.tmp`;
      fs.mkdirSync(path.dirname(outfile), { recursive: true });
      fs.writeFileSync(tmp, out.outputFiles[0]!.contents);
      fs.renameSync(tmp, outfile);
      return outfile;
    } catch (e) {
      log(
        `cold start: could not bundle the probe, running it under tsx (${e instanceof Error ? e.message : String(e)})`,
      );
      return null;
    }
  })();
  return bundled;
}

/**
 * Times a fresh process opening an existing database and answering its first hybrid recall (what
 * a restarted app pays), then reads that process's RSS after `steadyQueries` more recalls, once its
 * indexes have loaded. `probe` is the bundled probe (bundleColdStartProbe); null runs the
 * TypeScript source with the tsx loader, as the HTTP load generator is.
 */
export async function measureColdStart(
  dbPath: string,
  modelDir: string,
  query: string,
  steadyQueries: readonly string[],
  probe: string | null,
): Promise<ColdStart> {
  const args = [dbPath, modelDir, query, ...steadyQueries];
  const runner: ColdStartRunner = probe ? 'bundled' : 'tsx';
  const argv = probe
    ? [probe, ...args]
    : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, PROBE_SOURCE, ...args];
  const started = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let answeredAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (answeredAt === null && out.includes('\n')) answeredAt = performance.now();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (code !== 0 || answeredAt === null || lines.length < 2) {
    throw new Error(`cold-start probe (${runner}) failed (exit ${code}): ${err.trim().slice(-500)}`);
  }
  const first = JSON.parse(lines[0]!) as Omit<ColdStart, 'totalMs' | 'runner' | 'rss'>;
  const rss = JSON.parse(lines[1]!) as ColdStartRss;
  return { totalMs: answeredAt - started, ...first, runner, rss };
}
