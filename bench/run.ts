/**
 * `npm run bench` (or `tsx bench/run.ts [--sizes 1000,10000,100000] [--quick] ...`): the memory
 * latency and throughput suite. Runs each size in turn, prints each size's report and a summary
 * table with PASS/FAIL against the targets, and writes the results as JSON and markdown
 * (bench/results/latest.json, latest.md and suite-<timestamp>.json, or --out FILE plus FILE.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeEmbedderPool } from '../src/main/embedder/embedder-client';
import { resolveDataFiles } from './lib/bench-data';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/bench-options';
import { fileTimestamp } from './lib/bench-result';
import { formatReport } from './lib/format-report';
import { runMemoryBench } from './lib/memory-bench';
import { scifactNdcg } from './lib/scifact-quality';
import {
  SUITE_VERSION,
  suiteMarkdown,
  SuiteResultSchema,
  suiteTargets,
  summarizeSize,
  type Quality,
  type SuiteResult,
} from './lib/suite-result';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Writes via a temp file and rename, so a reader never sees half a results file. */
function writeText(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Where the results go: --out FILE (+ FILE.md), else latest.json/.md and a timestamped JSON. */
export function resultFiles(
  result: Pick<SuiteResult, 'timestamp'>,
  out: string | null,
): { json: string[]; md: string } {
  if (out) {
    const file = path.resolve(out);
    return { json: [file], md: file.replace(/\.json$/, '') + '.md' };
  }
  const dir = path.join(repoRoot, 'bench', 'results');
  return {
    json: [
      path.join(dir, `suite-${fileTimestamp(new Date(result.timestamp))}.json`),
      path.join(dir, 'latest.json'),
    ],
    md: path.join(dir, 'latest.md'),
  };
}

/** SciFact nDCG@10: the word path always; hybrid too when HIPPO_MODEL_DIR holds a real model. */
async function runQuality(log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<Quality> {
  const data = resolveDataFiles(repoRoot, env);
  const text = await scifactNdcg(data.dir, null);
  log(`SciFact nDCG@10, text only: ${text.ndcgAt10.toFixed(4)}`);
  let hybrid: Awaited<ReturnType<typeof scifactNdcg>> | null = null;
  const real = env.HIPPO_MODEL_DIR?.trim();
  if (real && fs.existsSync(path.join(real, 'onnx', 'model.onnx'))) {
    const embedder = createNodeEmbedderPool({ modelDir: real, threads: 2, workers: 1 });
    try {
      if (!(await embedder.ready())) throw new Error(`the model in ${real} did not load`);
      hybrid = await scifactNdcg(data.dir, embedder, log);
      log(`SciFact nDCG@10, hybrid (${hybrid.modelId}): ${hybrid.ndcgAt10.toFixed(4)}`);
    } finally {
      await embedder.close();
    }
  }
  return {
    scifact_docs: text.docs,
    scifact_queries: text.queries,
    scifact_ndcg10_text: text.ndcgAt10,
    scifact_ndcg10_hybrid: hybrid?.ndcgAt10 ?? null,
    hybrid_model_id: hybrid?.modelId ?? null,
  };
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseBenchArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string): void => console.error(`[bench] ${line}`);
  const command = ['tsx bench/run.ts', ...argv].join(' ');
  const started = new Date();
  const cpus = os.cpus();
  const machine = {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${process.arch}`,
    totalMemMb: Math.round(os.totalmem() / 2 ** 20),
  };
  console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.os}`);
  const sizes: SuiteResult['sizes'] = [];
  const assemble = (quality: Quality | null): SuiteResult =>
    SuiteResultSchema.parse({
      version: SUITE_VERSION,
      kind: 'suite',
      timestamp: started.toISOString(),
      command,
      machine,
      model: {
        id: sizes[0]?.detail.config.modelId ?? 'unknown',
        kind: (sizes[0]?.detail.config.model ?? opts.models[0]) === 'real' ? 'real' : 'twin',
      },
      quality,
      sizes,
      pass: sizes.every((s) => s.pass),
    } satisfies SuiteResult);
  const files = resultFiles({ timestamp: started.toISOString() }, opts.out);
  const write = (result: SuiteResult): void => {
    for (const file of files.json) writeText(file, `${JSON.stringify(result, null, 2)}\n`);
    writeText(files.md, suiteMarkdown(result));
  };
  for (const model of opts.models)
    for (const facts of opts.sizes) {
      log(`=== ${facts} facts, ${model} model ===`);
      const sizeOpts: BenchOptions = { ...opts, facts, model };
      const detail = await runMemoryBench(sizeOpts, { repoRoot, log, command });
      console.log(formatReport(detail));
      console.log('');
      const summary = summarizeSize(detail);
      const targets = suiteTargets(summary);
      sizes.push({ summary, targets, pass: targets.every((t) => t.pass), detail });
      // Written after every size, so a long run stopped halfway keeps what it measured.
      write(assemble(null));
    }
  const result = assemble(opts.quality ? await runQuality(log, process.env) : null);
  write(result);
  console.log(suiteMarkdown(result));
  for (const file of [...files.json, files.md]) {
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
      console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 2;
    },
  );
}
