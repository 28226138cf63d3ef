/**
 * `npm run eval` (or `tsx bench/eval.ts [--model real|twin|twin-int8|none] [--queries N] [--docs N]
 * [--out FILE]`): issue 8's quality harness. Grades SciFact (../shared/data/scifact) three ways,
 * the word path alone, the vector path alone and hybrid, with nDCG@10, Recall@10 and Recall@100,
 * and writes bench/results/eval-<timestamp>.json plus eval-latest.md (or FILE and FILE.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createNodeEmbedderPool } from '../src/main/embedder/embedder-client';
import { resolveDataFiles } from './lib/bench-data';
import { benchModelDir, BENCH_MODELS, realModelDir, type BenchModel } from './lib/bench-options';
import { fileTimestamp } from './lib/bench-result';
import { runScifactEval, type EvalConfig } from './lib/scifact-eval';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ScoresSchema = z.strictObject({
  queries: z.number().int().positive(),
  ndcgAt10: z.number().min(0).max(1),
  recallAt10: z.number().min(0).max(1),
  recallAt100: z.number().min(0).max(1),
});

export const EvalResultSchema = z.strictObject({
  version: z.literal(1),
  kind: z.literal('eval'),
  timestamp: z.string(),
  command: z.string(),
  /** CPU model and cores, as the bench prints them. */
  machine: z.string(),
  /** The model of the vector and hybrid rankings: null when only the word path ran. */
  model: z.strictObject({ name: z.enum(BENCH_MODELS), id: z.string() }).nullable(),
  docs: z.number().int().positive(),
  queries: z.number().int().positive(),
  scores: z.strictObject({
    text: ScoresSchema,
    vector: ScoresSchema.optional(),
    hybrid: ScoresSchema.optional(),
  }),
  /** The word path on mistyped queries, with unknown words expanded and without (scifact-eval.ts). */
  robustness: z
    .strictObject({
      typing: z.strictObject({ expanded: ScoresSchema, plain: ScoresSchema }),
      typo: z.strictObject({ expanded: ScoresSchema, plain: ScoresSchema }),
    })
    .optional(),
  targets: z.array(
    z.strictObject({ config: z.enum(['text', 'vector', 'hybrid']), target: z.number(), pass: z.boolean() }),
  ),
});
export type EvalResult = z.infer<typeof EvalResultSchema>;

/** Issue 8: the word path alone ≥ 0.69 nDCG@10, hybrid with the real model ≥ 0.72. */
export function evalTargets(r: Pick<EvalResult, 'scores' | 'model' | 'docs'>): EvalResult['targets'] {
  const out: EvalResult['targets'] = [{ config: 'text', target: 0.69, pass: r.scores.text.ndcgAt10 >= 0.69 }];
  if (r.model?.name === 'real' && r.scores.hybrid) {
    out.push({ config: 'hybrid', target: 0.72, pass: r.scores.hybrid.ndcgAt10 >= 0.72 });
  }
  return out;
}

export function evalMarkdown(r: EvalResult): string {
  const f = (v: number): string => v.toFixed(4);
  const rows = (['text', 'vector', 'hybrid'] as EvalConfig[]).map((c) => {
    const s = r.scores[c];
    const name = {
      text: 'word path alone (BM25 + proximity)',
      vector: 'vector path alone',
      hybrid: 'hybrid',
    }[c];
    return s
      ? `| ${name} | ${f(s.ndcgAt10)} | ${f(s.recallAt10)} | ${f(s.recallAt100)} |`
      : `| ${name} | - | - | - |`;
  });
  const model = r.model
    ? `${r.model.name} (${r.model.id})${r.model.name === 'real' ? '' : ': random weights, so its vector and hybrid rankings mean nothing'}`
    : 'none (word path only; vector and hybrid need a model: HIPPO_MODEL_DIR, or --model)';
  return [
    '# SciFact evaluation',
    '',
    `- run: ${r.timestamp}, \`${r.command}\``,
    `- ${r.docs} documents, ${r.queries} test queries; model: ${model}`,
    '',
    '| ranking | nDCG@10 | Recall@10 | Recall@100 |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
    ...(r.robustness
      ? [
          '',
          'The word path on mistyped queries (nDCG@10), with unknown words expanded (the default) and without:',
          '',
          '| queries | expanded | not expanded |',
          '| --- | ---: | ---: |',
          `| last long word cut to 60% (search as you type) | ${f(r.robustness.typing.expanded.ndcgAt10)} | ${f(r.robustness.typing.plain.ndcgAt10)} |`,
          `| one typo in the longest word | ${f(r.robustness.typo.expanded.ndcgAt10)} | ${f(r.robustness.typo.plain.ndcgAt10)} |`,
        ]
      : []),
    '',
    ...r.targets.map(
      (t) =>
        `- ${t.config} nDCG@10 >= ${t.target}: ${t.pass ? 'PASS' : 'FAIL'} (${f(r.scores[t.config]!.ndcgAt10)})`,
    ),
    '',
  ].join('\n');
}

function parseEvalArgs(argv: string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string' },
      queries: { type: 'string' },
      docs: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const int = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1)
      throw new Error(`--${flag}: expected an integer >= 1, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const raw = values.model ?? (realModelDir(env) ? 'real' : 'none');
  const model: BenchModel | null = raw === 'none' ? null : (BENCH_MODELS.find((m) => m === raw) ?? null);
  if (raw !== 'none' && !model) {
    throw new Error(`--model: one of ${[...BENCH_MODELS, 'none'].join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return {
    model,
    maxQueries: int('queries', values.queries),
    maxDocs: int('docs', values.docs),
    out: values.out ?? null,
    help: values.help === true,
  };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const opts = parseEvalArgs(argv, env);
  if (opts.help) {
    console.log(
      'usage: npm run eval -- [--model real|twin|twin-int8|none] [--queries N] [--docs N] [--out FILE]\n' +
        'default model: real when HIPPO_MODEL_DIR holds one, else none (the word path only)',
    );
    return 0;
  }
  const log = (line: string): void => console.error(`[eval] ${line}`);
  const data = resolveDataFiles(repoRoot, env);
  const modelDir = opts.model ? benchModelDir(opts.model, repoRoot, env) : null;
  const embedder = modelDir ? createNodeEmbedderPool({ modelDir, threads: 2, workers: 1 }) : null;
  try {
    if (embedder && !(await embedder.ready())) throw new Error(`the model in ${modelDir} did not load`);
    log(opts.model ? `model ${opts.model}: ${embedder!.modelId}` : 'no model: grading the word path only');
    const started = new Date();
    const r = await runScifactEval(
      data.dir,
      embedder,
      { maxQueries: opts.maxQueries, maxDocs: opts.maxDocs },
      log,
    );
    const partial = {
      version: 1 as const,
      kind: 'eval' as const,
      timestamp: started.toISOString(),
      command: ['tsx bench/eval.ts', ...argv].join(' '),
      machine: `${os.cpus()[0]?.model.trim() ?? 'unknown'}, ${os.cpus().length} cores`,
      model: opts.model ? { name: opts.model, id: r.modelId ?? 'unknown' } : null,
      docs: r.docs,
      queries: r.queries,
      scores: { text: r.scores.text!, vector: r.scores.vector, hybrid: r.scores.hybrid },
      robustness: r.robustness,
    };
    const result = EvalResultSchema.parse({ ...partial, targets: evalTargets(partial) });
    const md = evalMarkdown(result);
    const dir = path.join(repoRoot, 'bench', 'results');
    const json = opts.out ? path.resolve(opts.out) : path.join(dir, `eval-${fileTimestamp(started)}.json`);
    const mdFile = opts.out ? json.replace(/\.json$/, '') + '.md' : path.join(dir, 'eval-latest.md');
    fs.mkdirSync(path.dirname(json), { recursive: true });
    fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(mdFile, md);
    console.log(md);
    console.log(`wrote ${path.relative(process.cwd(), json)} and ${path.relative(process.cwd(), mdFile)}`);
    return 0;
  } finally {
    await embedder?.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`eval failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 2;
    },
  );
}
