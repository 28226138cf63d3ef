/**
 * `npm run bench` (or `tsx bench/run.ts [--quick] [--facts N] ...`): the memory latency and
 * throughput benchmark. Prints a table with PASS/FAIL against the targets and writes the results
 * as JSON (bench/results/<name>-<timestamp>.json and latest.json, or --out FILE).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE } from './lib/bench-options';
import { fileTimestamp, type BenchResult } from './lib/bench-result';
import { formatReport } from './lib/format-report';
import { runMemoryBench } from './lib/memory-bench';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes via a temp file and rename, so a reader never sees half a results file. */
function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp.json`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Where the results go: --out, else a timestamped file plus latest.json under bench/results. */
export function resultFiles(result: BenchResult, out: string | null): string[] {
  if (out) return [path.resolve(out)];
  const dir = path.join(repoRoot, 'bench', 'results');
  return [
    path.join(dir, `${result.name}-${fileTimestamp(new Date(result.timestamp))}.json`),
    path.join(dir, 'latest.json'),
  ];
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseBenchArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const result = await runMemoryBench(opts, {
    repoRoot,
    log: (line) => console.error(`[bench] ${line}`),
    command: ['tsx bench/run.ts', ...argv].join(' '),
  });
  console.log(formatReport(result));
  for (const file of resultFiles(result, opts.out)) {
    writeJson(file, result);
    const shown = path.relative(process.cwd(), file);
    console.log(`wrote ${shown.startsWith('..') ? file : shown}`);
  }
  return opts.strict && !result.pass ? 1 : 0;
}

// Run only when executed directly, so importing this file has no side effects.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 2;
    },
  );
}
