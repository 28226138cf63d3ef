import { describe, expect, it } from 'vitest';
import {
  BenchResultSchema,
  checkTargets,
  computeRatios,
  defaultResultName,
  fileTimestamp,
  TARGETS,
  withHttpRatios,
} from '../../../bench/lib/bench-result';
import { summarize } from '../../../bench/lib/stats';
import { sampleHttpPhase, sampleResult } from './sample-result';

describe('results JSON', () => {
  it('a well-formed result parses, and survives a JSON round trip unchanged', () => {
    const r = sampleResult();
    expect(BenchResultSchema.parse(r)).toEqual(r);
    expect(BenchResultSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('rejects a missing figure, an unknown field, a non-finite number and a wrong version', () => {
    const r = sampleResult();
    const { recall: _recall, ...noRecall } = r;
    expect(BenchResultSchema.safeParse(noRecall).success).toBe(false);
    expect(BenchResultSchema.safeParse({ ...r, extra: 1 }).success).toBe(false);
    expect(BenchResultSchema.safeParse({ ...r, recall: { ...r.recall, p50: Number.NaN } }).success).toBe(
      false,
    );
    expect(BenchResultSchema.safeParse({ ...r, import: { ...r.import, factsPerSec: 0 } }).success).toBe(
      false,
    );
    expect(BenchResultSchema.safeParse({ ...r, version: 99 }).success).toBe(false);
  });
});

describe('checkTargets', () => {
  it('names the issue targets: recall P50 <= 15, P95 <= 40, encode P50 <= 25 ms, import >= 150 facts/s', () => {
    expect(TARGETS).toEqual({
      recallP50Ms: 15,
      recallP95Ms: 40,
      encodeP50Ms: 25,
      importFactsPerSec: 150,
      httpReqPerSec: 200,
      httpP95Ms: 50,
      vectorRecallAt10: 0.99,
    });
    const checks = checkTargets({ recall: summarize([10]), encode: summarize([20]), factsPerSec: 200 });
    expect(checks.map((c) => [c.id, c.op, c.target, c.pass])).toEqual([
      ['recall-p50', '<=', 15, true],
      ['recall-p95', '<=', 40, true],
      ['encode-p50', '<=', 25, true],
      ['import-rate', '>=', 150, true],
    ]);
  });

  it('adds the vector quality guard when the search steps were measured', () => {
    const base = { recall: summarize([10]), encode: summarize([20]), factsPerSec: 200 };
    const kept = checkTargets({ ...base, vectorRecallAtK: 0.99 }).find((c) => c.id === 'vector-recall');
    expect(kept).toMatchObject({ op: '>=', target: 0.99, pass: true });
    expect(
      checkTargets({ ...base, vectorRecallAtK: 0.985 }).find((c) => c.id === 'vector-recall')?.pass,
    ).toBe(false);
  });

  it('a figure exactly on its target passes; one past it fails', () => {
    const onTarget = checkTargets({ recall: summarize([15]), encode: summarize([25]), factsPerSec: 150 });
    expect(onTarget.every((c) => c.pass)).toBe(true);
    const past = checkTargets({
      recall: summarize([15.01, 15.01, 50]),
      encode: summarize([25.5]),
      factsPerSec: 149,
    });
    expect(past.every((c) => !c.pass)).toBe(true);
  });

  it('the result is failing when any target fails', () => {
    expect(sampleResult().pass).toBe(true);
    const slow = sampleResult({ factsPerSec: 100 });
    expect(slow.pass).toBe(false);
    expect(slow.targets.find((t) => t.id === 'import-rate')?.pass).toBe(false);
  });
});

describe('computeRatios', () => {
  it('divides each figure by the embedding floor at the same percentile', () => {
    const embedOne = summarize([2, 2, 2, 4]);
    const ratios = computeRatios({
      embedOne,
      embedBatchPerText: summarize([1.5]),
      recall: summarize([6, 6, 6, 20]),
      recallFiltered: summarize([8]),
      recallTextOnly: summarize([1]),
      encode: summarize([10]),
      msPerFact: 3,
    });
    expect(ratios.recallP50).toBeCloseTo(3, 12);
    expect(ratios.recallP95).toBeCloseTo(summarize([6, 6, 6, 20]).p95 / embedOne.p95, 12);
    expect(ratios.recallFilteredP50).toBeCloseTo(4, 12);
    expect(ratios.recallTextOnlyP50).toBeCloseTo(0.5, 12);
    expect(ratios.encodeP50).toBeCloseTo(5, 12);
    expect(ratios.importMsPerFact).toBeCloseTo(2, 12);
  });

  it('refuses a zero floor instead of writing Infinity', () => {
    const zero = summarize([0]);
    expect(() =>
      computeRatios({
        embedOne: zero,
        embedBatchPerText: zero,
        recall: zero,
        recallFiltered: zero,
        recallTextOnly: zero,
        encode: zero,
        msPerFact: 1,
      }),
    ).toThrow(/baseline of 0/);
  });
});

describe('names', () => {
  it('file timestamps are UTC and carry no colons', () => {
    expect(fileTimestamp(new Date('2025-11-24T05:41:07.123Z'))).toBe('2025-11-24T05-41-07Z');
  });

  it('default result names say the size', () => {
    expect(defaultResultName(10_000)).toBe('memory-10k');
    expect(defaultResultName(2500)).toBe('memory-2.5k');
    expect(defaultResultName(256)).toBe('memory-256');
  });
});

describe('HTTP targets and ratios', () => {
  const phase = (connections: number, reqPerSec: number, latency: number[]) => ({
    connections,
    reqPerSec,
    latency: summarize(latency),
  });

  it('adds HTTP req/s >= 200 and P95 <= 50 ms for the 8-connection phase only', () => {
    const checks = checkTargets({
      recall: summarize([10]),
      encode: summarize([20]),
      factsPerSec: 200,
      http: [phase(1, 50, [5]), phase(8, 200, [20, 30, 50]), phase(32, 10, [900])],
    });
    expect(checks.slice(4).map((c) => [c.id, c.op, c.target, c.unit, c.pass])).toEqual([
      ['http-rate-8', '>=', 200, 'req/s', true],
      ['http-p95-8', '<=', 50, 'ms', true],
    ]);
    const slow = checkTargets({
      recall: summarize([10]),
      encode: summarize([20]),
      factsPerSec: 200,
      http: [phase(8, 199, [20, 60])],
    });
    expect(slow.slice(4).map((c) => c.pass)).toEqual([false, false]);
  });

  it('no 8-connection phase, no HTTP targets', () => {
    const checks = checkTargets({
      recall: summarize([10]),
      encode: summarize([20]),
      factsPerSec: 200,
      http: [phase(1, 50, [5])],
    });
    expect(checks.map((c) => c.id)).toEqual(['recall-p50', 'recall-p95', 'encode-p50', 'import-rate']);
  });

  it('divides each phase latency by in-process recall (same percentile) and by the embed-one floor', () => {
    const [p] = withHttpRatios([sampleHttpPhase(8, [10, 20, 30])], {
      recall: summarize([5, 10, 15]),
      embedOne: summarize([2, 4, 6]),
    });
    expect(p!.ratios.p50xRecall).toBeCloseTo(2, 12);
    expect(p!.ratios.p95xRecall).toBeCloseTo(summarize([10, 20, 30]).p95 / summarize([5, 10, 15]).p95, 12);
    expect(p!.ratios.p50xFloor).toBeCloseTo(5, 12);
    expect(p!.ratios.p95xFloor).toBeCloseTo(summarize([10, 20, 30]).p95 / summarize([2, 4, 6]).p95, 12);
  });

  it('the results schema takes an http section, and rejects one with no phases', () => {
    const r = sampleResult({ http: true });
    expect(r.http?.phases.map((p) => p.connections)).toEqual([1, 8, 32]);
    expect(BenchResultSchema.parse(r)).toEqual(r);
    expect(BenchResultSchema.safeParse({ ...r, http: { ...r.http, phases: [] } }).success).toBe(false);
  });
});
