import { describe, expect, it } from 'vitest';
import { parseSizes } from '../../../bench/lib/bench-options';
import { formatReport } from '../../../bench/lib/format-report';
import type { BenchResult } from '../../../bench/lib/bench-result';
import { ndcgAt, parseQrels, pickDoc } from '../../../bench/lib/scifact-quality';
import { summarize } from '../../../bench/lib/stats';
import {
  SizeSummarySchema,
  SUITE_VERSION,
  suiteMarkdown,
  SuiteResultSchema,
  suiteTargets,
  summarizeSize,
  type SuiteResult,
} from '../../../bench/lib/suite-result';
import { sampleResult } from './sample-result';

const step = (index: number[], baseline: number[]) => ({
  queries: 300,
  k: 10,
  size: 10_000,
  loadMs: 40,
  index: summarize(index),
  baseline: summarize(baseline),
  recallAtK: 0.9995,
  minRecallAtK: 0.9,
  identical: 290,
});

/** A detailed result with the suite's fields, made-up figures. */
function detail(facts: number, over: Partial<BenchResult> = {}): BenchResult {
  const r = sampleResult({ http: true });
  return {
    ...r,
    config: { ...r.config, facts },
    db: { facts: facts + 120, bytes: (facts + 120) * 2000 },
    searchSteps: { vector: step([0.5, 0.6], [20, 22]), text: step([0.3, 0.4], [2, 3]) },
    dbStep: summarize([1.5, 2, 2.5]),
    embedCeiling: { concurrency: 8, queries: 400, queriesPerSec: 300, textsPerSec: 250 },
    rss: { benchMb: 300, embedderMb: 200 },
    coldStart: {
      totalMs: 1200,
      bootMs: 600,
      openMs: 10,
      firstRecallMs: 590,
      results: 10,
      mode: 'hybrid',
      runner: 'bundled',
      rss: { steadyRecalls: 30, appPeakMb: 420, appMb: 180, workerPeakMb: 150, workerMb: 140 },
    },
    ...over,
  };
}

function suite(details: BenchResult[]): SuiteResult {
  const sizes = details.map((d) => {
    const summary = summarizeSize(d);
    const targets = suiteTargets(summary);
    return { summary, targets, pass: targets.every((t) => t.pass), detail: d };
  });
  return {
    version: SUITE_VERSION,
    kind: 'suite',
    timestamp: '2026-11-27T20:00:00.000Z',
    command: 'tsx bench/run.ts --sizes 10000,100000',
    machine: { cpuModel: 'test cpu', cores: 2, node: 'v20.0.0', os: 'Linux 6 x64', totalMemMb: 24_576 },
    model: { id: 'minilm:0123', kind: 'twin' },
    quality: {
      scifact_docs: 5183,
      scifact_queries: 300,
      scifact_ndcg10_text: 0.6877,
      scifact_ndcg10_hybrid: null,
      hybrid_model_id: null,
    },
    sizes,
    pass: sizes.every((s) => s.pass),
  };
}

describe('summarizeSize', () => {
  it('maps the detailed result onto the flat keys', () => {
    const s = summarizeSize(detail(10_000));
    expect(s.facts).toBe(10_000);
    expect(s.recall_db_p50_ms).toBe(2);
    expect(s.http_rps_8).toBe(260);
    expect(s.baseline_exact_knn_p50_ms).toBe(21);
    expect(s.baseline_fts5_p50_ms).toBe(2.5);
    expect(s.db_bytes_per_fact).toBe(2000);
    expect(s.cold_start_ms).toBe(1200);
    // The app's figures come from the cold-start process, not the bench process (300 MB here).
    expect(s.rss_app_mb).toBe(180);
    expect(s.rss_app_peak_mb).toBe(420);
    expect(s.rss_app_worker_mb).toBe(150);
    expect(s.rss_bench_mb).toBe(300);
    expect(s.embed_ceiling_texts_per_s).toBe(250);
    expect(SizeSummarySchema.parse(s)).toEqual(s);
  });

  it('gives null for an HTTP phase that did not run, and refuses a result without the suite fields', () => {
    const d = detail(10_000);
    const { http: _omit, ...noHttp } = d;
    expect(summarizeSize(noHttp).http_rps_8).toBeNull();
    const { coldStart: _c, ...noCold } = d;
    expect(() => summarizeSize(noCold)).toThrow(/coldStart/);
  });

  it('gives null app RSS for a result from before the probe measured it', () => {
    const d = detail(100_000);
    const { rss: _r, runner: _u, ...oldCold } = d.coldStart!;
    const s = summarizeSize({ ...d, coldStart: oldCold });
    expect([s.rss_app_mb, s.rss_app_peak_mb, s.rss_app_worker_mb]).toEqual([null, null, null]);
    expect(SizeSummarySchema.parse(s)).toEqual(s);
    // Not measured is a miss, and the bench process does not stand in for the app.
    const t = suiteTargets(s);
    expect(t.find((x) => x.key === 'rss_app_mb')).toMatchObject({ value: null, pass: false });
    expect(t.find((x) => x.key === 'rss_bench_mb')).toBeUndefined();
  });
});

describe('suiteTargets', () => {
  it("holds 100k to issue 7's targets, relative ones against the same run's ceilings", () => {
    const t = suiteTargets(summarizeSize(detail(100_000)));
    const byKey = Object.fromEntries(t.map((x) => [x.key, x]));
    expect(byKey.recall_p50_ms?.target).toBe(10);
    expect(byKey.recall_db_p50_ms?.pass).toBe(true);
    const imports = t.filter((x) => x.key === 'import_facts_per_s');
    expect(imports[0]).toMatchObject({ target: 200, pass: true }); // 80% of 250 texts/s; 400 facts/s in the sample
    // The same-texts ceiling was not measured in this result: a miss, not a pass.
    expect(imports[1]).toMatchObject({
      note: '80% of import_ceiling_texts_per_s (same kind of texts)',
      pass: false,
    });
    const d = detail(100_000);
    const ceiling = { texts: 320, textsPerSec: 450, beforePerSec: 440, afterPerSec: 460 };
    const withCeiling = suiteTargets(summarizeSize({ ...d, import: { ...d.import, ceiling } }));
    expect(withCeiling.filter((x) => x.key === 'import_facts_per_s')[1]).toMatchObject({
      target: 360,
      pass: true,
    });
    const slow = suiteTargets(
      summarizeSize({ ...d, import: { ...d.import, ceiling: { ...ceiling, textsPerSec: 600 } } }),
    );
    expect(slow.filter((x) => x.key === 'import_facts_per_s')[1]).toMatchObject({ target: 480, pass: false });
    expect(byKey.http_rps_8?.target).toBe(240); // 80% of 300 queries/s
    expect(byKey.cold_start_ms?.pass).toBe(true);
    // RSS: the app's steady RSS (the cold-start process), its peak beside it; the bench process,
    // which also holds the bench's data, has no target.
    expect(byKey.rss_app_mb).toMatchObject({
      value: 180,
      target: 350,
      pass: true,
      note: 'steady; peak 420.0 MB',
    });
    expect(byKey.rss_app_peak_mb).toBeUndefined();
    expect(byKey.rss_bench_mb).toBeUndefined();
    expect(byKey.rss_embedder_mb).toMatchObject({ value: 200, pass: true });
    expect(byKey.http_p95_ms_8?.pass).toBe(false); // P95 of [25, 30, 45] > 30
  });

  it('keeps the earlier targets below 100k, and a figure not measured fails', () => {
    const { http: _omit, ...noHttp } = detail(10_000);
    const t = suiteTargets(summarizeSize(noHttp));
    expect(t.map((x) => x.key)).toEqual([
      'recall_p50_ms',
      'recall_p95_ms',
      'encode_p50_ms',
      'import_facts_per_s',
      'vector_recall_at_10',
      'http_rps_8',
      'http_p95_ms_8',
    ]);
    expect(t.find((x) => x.key === 'http_rps_8')).toMatchObject({ value: null, pass: false });
  });

  it('holds a run with the int8 twin to 500 facts/s of import at every size, as issue 7 asks of the int8 option', () => {
    const d = detail(10_000);
    const int8 = (facts: number) =>
      suiteTargets(summarizeSize({ ...detail(facts), config: { ...d.config, facts, model: 'twin-int8' } }));
    const small = int8(10_000).filter((x) => x.key === 'import_facts_per_s');
    expect(small).toEqual([
      expect.objectContaining({ target: 500, note: 'int8 model', value: 400, pass: false }),
    ]);
    const large = int8(100_000).filter((x) => x.key === 'import_facts_per_s');
    expect(large.map((x) => x.target)).toEqual([200, 0, 500]);
    expect(summarizeSize(detail(10_000)).model).toBe(d.config.model);
  });
});

describe('suiteMarkdown', () => {
  const s = suite([detail(10_000), detail(100_000)]);
  const md = suiteMarkdown(s);
  const lines = md.split('\n');

  it('parses as a suite result', () => {
    expect(SuiteResultSchema.parse(s)).toEqual(s);
  });

  it('has one column per size and one row per summary key', () => {
    expect(lines).toContain('| figure | 10,000 | 100,000 |');
    for (const key of Object.keys(SizeSummarySchema.shape).filter((k) => k !== 'facts')) {
      expect(lines.filter((l) => l.startsWith(`| ${key} |`)).length, key).toBeGreaterThanOrEqual(1);
    }
    expect(lines).toContain('| recall_db_p50_ms | 2.00 | 2.00 |');
    expect(lines).toContain('| cold_start_ms | 1200 | 1200 |');
    expect(lines).toContain('| rss_app_mb | 180.0 | 180.0 |');
    expect(lines).toContain('| rss_app_peak_mb | 420.0 | 420.0 |');
  });

  it('labels each column with its model when the suite ran more than one', () => {
    const d = detail(10_000);
    const real = { ...d, config: { ...d.config, model: 'real', modelId: 'minilm:realweights' } };
    const both = suiteMarkdown(suite([d, real])).split('\n');
    expect(both).toContain(`| figure | 10,000 (${d.config.model}) | 10,000 (real) |`);
    expect(both).toContain('- model real: minilm:realweights (real weights)');
    expect(both.some((l) => l.startsWith('| 10,000 (real) | recall_p50_ms |'))).toBe(true);
  });

  it('lists every target with PASS or FAIL, and says how a relative goal was set', () => {
    const targetRows = lines.filter((l) => /\| (PASS|FAIL) \|$/.test(l));
    expect(targetRows).toHaveLength(s.sizes.reduce((n, x) => n + x.targets.length, 0));
    expect(lines).toContain(
      '| 100,000 | import_facts_per_s | 400.0 | >= 200.0 (80% of embed_ceiling_texts_per_s) | PASS |',
    );
    expect(lines).toContain('| 100,000 | http_p95_ms_8 | 43.50 | <= 30.00 | FAIL |');
    expect(lines).toContain('| 100,000 | rss_app_mb | 180.0 | <= 350.0 (steady; peak 420.0 MB) | PASS |');
  });

  it('names the machine, the model and the quality figures, and the verdict', () => {
    expect(md).toContain('- machine: test cpu, 2 cores, 24 GiB, Node v20.0.0, Linux 6 x64');
    expect(md).toContain('- model: minilm:0123 (twin');
    expect(md).toContain('word path alone (text-only Memory, 5183 documents, 300 test queries): 0.6877');
    expect(md).toContain('hybrid: not run');
    expect(md).toMatch(/\d+ target\(s\) missed\.\n$/);
  });

  it('shows a figure not measured as a dash', () => {
    const { http: _omit, ...noHttp } = detail(10_000);
    expect(suiteMarkdown(suite([noHttp])).split('\n')).toContain('| http_rps_8 | - |');
  });
});

describe('parseSizes', () => {
  it('takes distinct sizes in order and rejects anything else', () => {
    expect(parseSizes('1000,10000,100000')).toEqual([1000, 10_000, 100_000]);
    expect(parseSizes(' 500 ')).toEqual([500]);
    for (const bad of ['', '10,10', '1', 'x', '2000000', '1e4'])
      expect(() => parseSizes(bad)).toThrow(/--sizes/);
  });
});

describe('SciFact scoring', () => {
  it('nDCG@k: 1 for the ideal ranking, less for a late hit, 0 for none', () => {
    const rel = new Map([['a', 1]]);
    expect(ndcgAt(10, ['a', 'x'], rel)).toBe(1);
    expect(ndcgAt(10, ['x', 'a'], rel)).toBeCloseTo(1 / Math.log2(3));
    expect(ndcgAt(10, ['x', 'y'], rel)).toBe(0);
    expect(ndcgAt(1, ['x', 'a'], rel)).toBe(0);
    const two = new Map([
      ['a', 1],
      ['b', 1],
    ]);
    expect(ndcgAt(10, ['a'], two)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)));
  });

  it('reads qrels (header skipped) and joins title and text', () => {
    const q = parseQrels('query-id\tcorpus-id\tscore\n1\t31715818\t1\n1\t9\t1\n3\t14717500\t1\n');
    expect([...q.keys()]).toEqual(['1', '3']);
    expect(q.get('1')?.get('9')).toBe(1);
    expect(() => parseQrels('query-id\tcorpus-id\tscore\n1\t\n')).toThrow(/qrels line 2/);
    expect(pickDoc({ _id: '7', title: 'T.', text: 'Body.' })).toEqual({ id: '7', content: 'T. Body.' });
    expect(pickDoc({ _id: '7', text: 3 })).toBeNull();
  });
});

describe("formatReport's suite lines", () => {
  it('prints the database step, the ceilings, the cold start and peak RSS when the result has them', () => {
    const text = formatReport(detail(10_000));
    expect(text).toContain('database step alone (word + vector search at recall');
    expect(text).toContain('embedding ceilings: 250 texts/s batched, 300 queries/s at 8 in flight');
    expect(text).toContain(
      'cold start: 1200 ms to the first hybrid recall in a fresh process (bundled JavaScript)',
    );
    expect(text).toContain(
      'app RSS (that process once its indexes loaded, after 30 more recalls): 180 MB (peak 420 MB); its embedder worker 140 MB (peak 150 MB)',
    );
    expect(text).toContain('peak RSS of the bench itself: bench process 300 MB');
    expect(text).toContain('embedder worker 200 MB');
    expect(formatReport(sampleResult())).not.toContain('cold start');
  });
});
