import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SizeSummarySchema, SuiteResultSchema } from '../../../bench/lib/suite-result';
import { makeTempDir } from '../../helpers/temp-dir';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

// Shape and sanity only: the figures of a quick run on a shared machine mean nothing.
describe('tsx bench/run.ts --quick', () => {
  it(
    'runs end to end and writes a well-formed results file with positive finite figures',
    { timeout: 180_000 },
    async () => {
      const tmp = makeTempDir('hippo-bench-smoke-');
      cleanups.push(tmp.cleanup);
      const out = path.join(tmp.dir, 'quick.json');
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--quick', '--no-cache', '--out', out],
        {
          cwd: repoRoot,
          maxBuffer: 16 * 2 ** 20,
        },
      );

      expect(stdout).toContain('recall, hybrid (end to end)');
      expect(stdout).toMatch(/PASS|FAIL/);
      expect(stdout).toContain(`wrote ${out}`);
      const mdFile = out.replace(/\.json$/, '.md');
      expect(stdout).toContain(`wrote ${mdFile}`);

      const suite = SuiteResultSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8')));
      expect(suite.sizes).toHaveLength(1);
      expect(suite.machine.cores).toBeGreaterThan(0);
      expect(suite.model.kind).toBe('twin');
      const size = suite.sizes[0]!;
      const result = size.detail;
      // The flat summary: every key present, finite, and sane for what it measures.
      const s = size.summary;
      expect(Object.keys(s).sort()).toEqual(Object.keys(SizeSummarySchema.shape).sort());
      expect(s.facts).toBe(result.config.facts);
      for (const [key, v] of Object.entries(s)) {
        if (key === 'http_rps_32' || key === 'http_p95_ms_32')
          expect(v, key).toBeNull(); // quick: 1 and 8
        else if (key === 'model') expect(v).toBe('twin');
        else {
          expect(Number.isFinite(v), key).toBe(true);
          expect(v as number, key).toBeGreaterThan(0);
        }
      }
      expect(s.recall_p95_ms).toBeGreaterThanOrEqual(s.recall_p50_ms);
      expect(s.recall_p99_ms).toBeGreaterThanOrEqual(s.recall_p95_ms);
      expect(s.encode_p95_ms).toBeGreaterThanOrEqual(s.encode_p50_ms);
      // The database step alone is part of a recall, which also embeds the query.
      expect(s.recall_db_p50_ms).toBeLessThan(s.recall_p50_ms);
      expect(s.vector_recall_at_10).toBeLessThanOrEqual(1);
      expect(s.rss_bench_mb).toBeGreaterThan(30);
      expect(s.rss_embedder_mb).toBeGreaterThan(30);
      expect(s.rss_app_mb).toBeGreaterThan(30);
      expect(s.rss_app_peak_mb).toBeGreaterThanOrEqual(s.rss_app_mb!);
      expect(s.rss_app_worker_mb).toBeGreaterThan(30);
      expect(s.db_bytes_per_fact).toBeGreaterThan(100);
      // A fresh process answered a hybrid recall over the built database.
      expect(result.coldStart!.mode).toBe('hybrid');
      expect(result.coldStart!.results).toBeGreaterThan(0);
      // As the installed app runs: bundled JavaScript, not TypeScript under a loader.
      expect(result.coldStart!.runner).toBe('bundled');
      expect(result.coldStart!.rss!.steadyRecalls).toBe(30);
      // The import as `hippo import` runs it, the batch floor sampled on both sides of it.
      expect(result.import.method).toBe('importInChunks');
      expect(result.import.floorBefore!.n + result.import.floorAfter!.n).toBe(
        result.baseline.embedBatchPerText.n,
      );
      // Its own ceiling: bare batched inference of texts like the imported ones, on both sides.
      expect(result.import.ceiling!.texts).toBeGreaterThan(0);
      expect(size.summary.import_ceiling_texts_per_s).toBe(result.import.ceiling!.textsPerSec);
      // The import measured only the last slice, on top of a base memory built first.
      expect(result.import.facts + result.import.baseFacts!).toBe(result.config.facts);
      expect(size.targets.map((t) => t.key)).toContain('http_rps_8');
      expect(size.pass).toBe(size.targets.every((t) => t.pass));
      expect(suite.quality!.scifact_queries).toBe(300);
      expect(suite.quality!.scifact_ndcg10_text).toBeGreaterThan(0.5);
      expect(suite.quality!.scifact_ndcg10_hybrid).toBeNull();
      const md = fs.readFileSync(mdFile, 'utf8');
      expect(md).toContain(`| figure | ${result.config.facts} |`);
      expect(md).toContain('| recall_db_p50_ms |');
      expect(md).toMatch(/\| (PASS|FAIL) \|/);
      expect(result.config.quick).toBe(true);
      expect(result.recall.n).toBe(result.config.recalls);
      expect(result.recallFiltered.n).toBe(result.config.filteredRecalls);
      expect(result.recallTextOnly.n).toBe(result.config.textOnlyRecalls);
      expect(result.encode.n).toBe(result.config.encodes);
      expect(result.import.created + result.import.duplicate + result.import.merged).toBe(
        result.import.facts,
      );
      // Every fact imported, plus the encodes (warm-up included), is in the memory.
      expect(result.db.facts).toBeGreaterThanOrEqual(result.import.created);
      // Each measured call embedded a text nobody embedded before.
      expect(result.measuredCacheHits).toBe(0);
      expect(result.recallResults.hybrid).toBeGreaterThan(0);
      for (const s of [
        result.baseline.embedOne,
        result.baseline.embedBatchPerText,
        result.recall,
        result.encode,
      ]) {
        for (const v of Object.values(s)) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThan(0);
        }
      }
      for (const v of Object.values(result.ratios)) expect(v).toBeGreaterThan(0);
      // Recall's search steps against their exact baselines: the word index ranks as FTS5 does.
      const steps = result.searchSteps!;
      expect(steps.vector.size).toBeGreaterThan(0);
      expect(steps.vector.recallAtK).toBeGreaterThan(0.9);
      expect(steps.text.identical).toBe(steps.text.queries);
      expect(stdout).toContain('word step');
      // The quick HTTP phases: 1 and 8 connections against the real server, every request a 2xx
      // with a query nobody embedded before.
      expect(stdout).toContain('HTTP recall conn');
      const http = result.http!;
      expect(http.phases.map((p) => p.connections)).toEqual([1, 8]);
      for (const p of http.phases) {
        expect(p.requests).toBeGreaterThan(0);
        expect(p.latency.n).toBe(p.requests);
        expect(p.non2xx + p.errors + p.timeouts).toBe(0);
        expect(p.embedding.cacheHits).toBe(0);
        expect(p.queriesReused).toBe(0);
        expect(p.embedding.texts).toBeGreaterThanOrEqual(p.requests);
        expect(p.eventLoopDelay.max).toBeGreaterThanOrEqual(p.eventLoopDelay.p99);
        expect(p.db.steps.knn?.n).toBeGreaterThan(0);
        expect(p.db.busy).toBeGreaterThan(0);
        for (const v of Object.values(p.ratios)) expect(v).toBeGreaterThan(0);
      }
      expect(result.targets.map((t) => t.id)).toEqual([
        'recall-p50',
        'recall-p95',
        'encode-p50',
        'import-rate',
        'vector-recall',
        'http-rate-8',
        'http-p95-8',
      ]);
      expect(result.pass).toBe(result.targets.every((t) => t.pass));
    },
  );
});
