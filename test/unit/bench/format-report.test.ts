import { describe, expect, it } from 'vitest';
import { formatReport, renderTable } from '../../../bench/lib/format-report';
import { sampleResult } from './sample-result';

describe('renderTable', () => {
  it('pads columns to the widest cell, numbers right-aligned, text left-aligned', () => {
    const out = renderTable(
      ['name', 'ms'],
      [
        ['recall', '9.50'],
        ['encode, single', '12.0'],
      ],
    ).split('\n');
    expect(out).toEqual([
      'name              ms',
      '--------------  ----',
      'recall          9.50',
      'encode, single  12.0',
    ]);
  });
});

describe('formatReport', () => {
  it('shows every measured figure with its ratio to the floor and PASS for met targets', () => {
    const text = formatReport(sampleResult());
    for (const label of [
      'embed one (16 tok) = floor',
      'recall, hybrid',
      'recall, category filter',
      'recall, text only',
      'encode, single new fact',
    ]) {
      expect(text).toContain(label);
    }
    expect(text).toContain('P50 x floor');
    expect(text).toMatch(/import: 10,000 facts .* = 400 facts\/s/);
    expect(text.match(/PASS/g)).toHaveLength(4);
    expect(text).toContain('all targets met');
  });

  it('marks a missed target FAIL and counts the misses', () => {
    const text = formatReport(sampleResult({ recall: [20, 20, 50], factsPerSec: 90 }));
    expect(text.match(/FAIL/g)).toHaveLength(3);
    expect(text).toContain('3 target(s) missed');
  });

  it('says how the import ran, with the batch floor before and after a pipelined one', () => {
    const r = sampleResult();
    expect(formatReport(r)).toContain('encodeMany chunks of 256');
    const floorBefore = { ...r.baseline.embedBatchPerText, p50: 2.1 };
    const floorAfter = { ...r.baseline.embedBatchPerText, p50: 2.4 };
    const text = formatReport({
      ...r,
      import: { ...r.import, method: 'importInChunks', floorBefore, floorAfter },
    });
    expect(text).toContain(
      'floor of 2.25 ms/text (2.10 before, 2.40 after); importInChunks, pipelined chunks of 256',
    );
  });

  it('warns when measured calls hit the embedding cache', () => {
    expect(formatReport({ ...sampleResult(), measuredCacheHits: 3 })).toContain(
      'WARNING: 3 embedding-cache hits',
    );
  });
});

describe('formatReport, HTTP phases', () => {
  it('shows one row per connection count with req/s, latency ratios and event-loop delay, and PASS for the 8-connection targets', () => {
    const text = formatReport(sampleResult({ http: true }));
    expect(text).toContain('HTTP recall conn');
    for (const col of ['req/s', 'P50 x recall', 'P50 x floor', 'loop P99', 'loop max', 'server CPU']) {
      expect(text).toContain(col);
    }
    expect(text).toMatch(/^8 +260 +30\.0 /m);
    expect(text).toContain('fts 1.50, knn 2.50');
    expect(text).toMatch(/HTTP recall, 8 connections +260 req\/s +>= 200 req\/s +PASS/);
    expect(text).toMatch(/HTTP recall P95, 8 connections +\d+\.\d ms +<= 50 ms +PASS/);
    expect(text.match(/PASS/g)).toHaveLength(6);
    expect(text).not.toContain('WARNING');
  });

  it('fails the 8-connection targets when too slow, and warns about errors, reused queries and cache hits', () => {
    const r = sampleResult({ http8: { reqPerSec: 120, latency: [60, 70, 90] } });
    const http = r.http!;
    const p8 = http.phases[1]!;
    http.phases[1] = { ...p8, non2xx: 3, queriesReused: 12, embedding: { ...p8.embedding, cacheHits: 12 } };
    const text = formatReport(r);
    expect(text.match(/FAIL/g)).toHaveLength(2);
    expect(text).toContain('2 target(s) missed');
    expect(text).toContain('WARNING at 8 connections: 3 non-2xx responses');
    expect(text).toContain('WARNING at 8 connections: 12 requests reused a query');
    expect(text).toContain('WARNING at 8 connections: 12 embedding-cache hits');
  });

  it('has no HTTP table when the run skipped it', () => {
    expect(formatReport(sampleResult())).not.toContain('HTTP recall');
  });
});
