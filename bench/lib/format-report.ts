import type { BenchResult, HttpResult, StepComparison } from './bench-result';
import type { LatencySummary } from './stats';

/** Plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map((_, c) => c > 0 && rows.every((r) => /^[\d.,×x-]*$|^$/.test(r[c] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const times = (v: number): string => `${v.toFixed(2)}x`;

function latencyRow(label: string, s: LatencySummary, floor: LatencySummary | null, note = ''): string[] {
  return [
    label,
    String(s.n),
    ms(s.p50),
    ms(s.p95),
    ms(s.max),
    floor ? times(s.p50 / floor.p50) : '',
    floor ? times(s.p95 / floor.p95) : '',
    note,
  ];
}

/** The HTTP load phases: throughput, latency (also over in-process recall and the floor), event loop. */
export function formatHttp(h: HttpResult): string {
  const rows = h.phases.map((p) => [
    String(p.connections),
    p.reqPerSec.toFixed(0),
    ms(p.latency.p50),
    ms(p.latency.p95),
    ms(p.latency.p99),
    times(p.ratios.p50xRecall),
    times(p.ratios.p95xRecall),
    times(p.ratios.p50xFloor),
    ms(p.eventLoopDelay.p99),
    ms(p.eventLoopDelay.max),
    p.serverCpu.toFixed(2),
    p.db.busy.toFixed(2),
    Object.entries(p.db.steps)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, st]) => `${type} ${ms(st.meanMs)}`)
      .join(', '),
    p.embedding.batches > 0 ? (p.embedding.texts / p.embedding.batches).toFixed(1) : '-',
  ]);
  const table = renderTable(
    [
      'HTTP recall conn',
      'req/s',
      'P50',
      'P95',
      'P99',
      'P50 x recall',
      'P95 x recall',
      'P50 x floor',
      'loop P99',
      'loop max',
      'server CPU',
      'SQLite',
      'SQLite ms per step',
      'texts/batch',
    ],
    rows,
  );
  const warnings = h.phases.flatMap((p) => {
    const w: string[] = [];
    if (p.non2xx + p.errors + p.timeouts > 0)
      w.push(`${p.non2xx} non-2xx responses, ${p.errors} errors, ${p.timeouts} timeouts`);
    if (p.queriesReused > 0)
      w.push(`${p.queriesReused} requests reused a query (pool of ${h.queries} ran out)`);
    if (p.embedding.cacheHits > 0) w.push(`${p.embedding.cacheHits} embedding-cache hits`);
    return w.map((text) => `WARNING at ${p.connections} connections: ${text}`);
  });
  const note =
    `ms, POST /api/v1/recall over loopback, autocannon in a child process, ${h.phaseSeconds} s per phase ` +
    `after ${h.warmupSeconds} s warm-up; each request a new query (first ${h.queryWords} words of an unused ` +
    `sentence). x recall = / in-process recall at the same percentile, x floor = / embed-one P50; loop = ` +
    `the server process's event-loop delay (ms); server CPU in cores (embedder worker not included); SQLite = share of wall time the server ` +
    `thread spent in synchronous database steps, with each step's mean ms`;
  return [table, note, ...warnings].join('\n');
}

/** The human-readable report: a latency table, the import line, then the targets with PASS/FAIL. */
export function formatReport(r: BenchResult): string {
  const b = r.baseline;
  const cfg = r.config;
  const head =
    `Hippo bench ${r.name}: ${cfg.facts.toLocaleString('en-US')} facts, ${cfg.model} model (${cfg.workers ?? 1} worker(s) x ${cfg.threads} thread(s)), ` +
    `disk cache ${cfg.diskCache ? 'on' : 'off'}; ${r.machine.cpus} CPUs, Node ${r.machine.node}` +
    (cfg.quick ? ' [QUICK: sizes too small for real figures]' : '');
  const floorNote = 'x floor = figure / embed-one at the same percentile, both measured in this run';
  const rows = [
    latencyRow(`embed one (${b.embedOneTokens} tok) = floor`, b.embedOne, b.embedOne),
    latencyRow(
      `embed batch ${b.embedBatchSize}x${b.embedBatchTokens} tok, per text`,
      b.embedBatchPerText,
      null,
    ),
    latencyRow(
      'recall, hybrid (end to end)',
      r.recall,
      b.embedOne,
      `${r.recallResults.hybrid.toFixed(1)} results`,
    ),
    latencyRow(
      'recall, category filter',
      r.recallFiltered,
      b.embedOne,
      `${r.recallResults.filtered.toFixed(1)} results`,
    ),
    latencyRow(
      'recall, text only',
      r.recallTextOnly,
      b.embedOne,
      `${r.recallResults.textOnly.toFixed(1)} results`,
    ),
    latencyRow('encode, single new fact', r.encode, b.embedOne),
  ];
  const table = renderTable(['ms', 'n', 'P50', 'P95', 'max', 'P50 x floor', 'P95 x floor', ''], rows);
  const imp = r.import;
  const importLine =
    `import: ${imp.facts.toLocaleString('en-US')} facts` +
    (imp.baseFacts
      ? ` onto ${imp.baseFacts.toLocaleString('en-US')} (${imp.baseCached ? 'cached' : 'built unmeasured'})`
      : '') +
    ` in ${imp.seconds.toFixed(1)} s = ` +
    `${imp.factsPerSec.toFixed(0)} facts/s (${ms(imp.msPerFact)} ms/fact = ${times(r.ratios.importMsPerFact)} ` +
    `the batch embedding floor of ${ms(b.embedBatchPerText.p50)} ms/text` +
    (imp.floorBefore && imp.floorAfter
      ? ` (${ms(imp.floorBefore.p50)} before, ${ms(imp.floorAfter.p50)} after)`
      : '') +
    `; ${imp.method === 'importInChunks' ? 'importInChunks, pipelined' : 'encodeMany'} chunks of ${cfg.chunk}: ` +
    `P50 ${ms(imp.chunkMs.p50)} ms; facts average ${imp.tokensPerFact.mean.toFixed(0)} tokens; ` +
    `${imp.created} created, ${imp.duplicate} duplicate, ${imp.merged} merged)` +
    (imp.ceiling
      ? `; bare batched inference of texts like these: ${imp.ceiling.textsPerSec.toFixed(0)} texts/s ` +
        `(${imp.ceiling.beforePerSec.toFixed(0)} before, ${imp.ceiling.afterPerSec.toFixed(0)} after), ` +
        `the import at ${((100 * imp.factsPerSec) / imp.ceiling.textsPerSec).toFixed(0)}% of it`
      : '');
  const drift =
    `floor drift: embed-one P50 ${ms(b.embedOneEarly.p50)} ms in the first half, ${ms(b.embedOneLate.p50)} ms in the second` +
    (r.measuredCacheHits > 0
      ? `; WARNING: ${r.measuredCacheHits} embedding-cache hits during measured calls`
      : '');
  const stepLine = (name: string, baseline: string, c: StepComparison): string =>
    `${name} step (${c.size.toLocaleString('en-US')} in memory, k=${c.k}, ${c.queries} queries): index ` +
    `P50 ${ms(c.index.p50)} / P95 ${ms(c.index.p95)} ms vs ${baseline} P50 ${ms(c.baseline.p50)} / ` +
    `P95 ${ms(c.baseline.p95)} ms (${times(c.baseline.p50 / c.index.p50)} faster); recall@${c.k} vs ${baseline} ` +
    `${c.recallAtK.toFixed(4)} (worst query ${c.minRecallAtK.toFixed(2)}), ${c.identical}/${c.queries} ` +
    `lists identical; built in ${ms(c.loadMs)} ms`;
  const steps = r.searchSteps
    ? [
        stepLine('vector', 'exact sqlite-vec scan', r.searchSteps.vector),
        stepLine('word', 'FTS5 bm25', r.searchSteps.text),
      ]
    : [];
  const targetRows = r.targets.map((t) => [
    t.label,
    t.unit === 'ms'
      ? `${ms(t.value)} ms`
      : t.unit === 'share'
        ? t.value.toFixed(4)
        : `${t.value.toFixed(0)} ${t.unit}`,
    `${t.op} ${t.target} ${t.unit}`,
    t.pass ? 'PASS' : 'FAIL',
  ]);
  const verdict = r.pass ? 'all targets met' : `${r.targets.filter((t) => !t.pass).length} target(s) missed`;
  return [
    head,
    '',
    table,
    floorNote,
    '',
    importLine,
    drift,
    ...steps,
    ...suiteLines(r),
    ...(r.http ? ['', formatHttp(r.http)] : []),
    '',
    renderTable(['target', 'measured', 'goal', ''], targetRows),
    verdict,
  ].join('\n');
}

/** The suite's extra per-size figures (absent in results from before the suite). */
function suiteLines(r: BenchResult): string[] {
  const out: string[] = [];
  if (r.dbStep) {
    out.push(
      `database step alone (word + vector search at recall's depth, rows): P50 ${ms(r.dbStep.p50)} / P95 ${ms(r.dbStep.p95)} ms`,
    );
  }
  if (r.embedCeiling) {
    const c = r.embedCeiling;
    out.push(
      `embedding ceilings: ${c.textsPerSec.toFixed(0)} texts/s batched, ${c.queriesPerSec.toFixed(0)} queries/s at ${c.concurrency} in flight`,
    );
  }
  const mb = (v: number | null): string => (v === null ? 'unknown' : `${v.toFixed(0)} MB`);
  if (r.coldStart) {
    const c = r.coldStart;
    out.push(
      `cold start: ${ms(c.totalMs)} ms to the first ${c.mode} recall in a fresh process` +
        `${c.runner ? ` (${c.runner === 'bundled' ? 'bundled JavaScript' : 'tsx loader'})` : ''} ` +
        `(boot ${ms(c.bootMs)}, open ${ms(c.openMs)}, first recall ${ms(c.firstRecallMs)})`,
    );
    if (c.rss) {
      out.push(
        `app RSS (that process once its indexes loaded, after ${c.rss.steadyRecalls} more recalls): ` +
          `${mb(c.rss.appMb)} (peak ${mb(c.rss.appPeakMb)}); its embedder worker ${mb(c.rss.workerMb)} (peak ${mb(c.rss.workerPeakMb)})`,
      );
    }
  }
  if (r.rss) {
    out.push(
      `peak RSS of the bench itself: bench process ${mb(r.rss.benchMb)} (memories, server and bench data: not an app figure), ` +
        `embedder worker ${mb(r.rss.embedderMb)}; database ${(r.db.bytes / r.db.facts).toFixed(0)} bytes/fact`,
    );
  }
  return out;
}
