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

  it('warns when measured calls hit the embedding cache', () => {
    expect(formatReport({ ...sampleResult(), measuredCacheHits: 3 })).toContain(
      'WARNING: 3 embedding-cache hits',
    );
  });
});
