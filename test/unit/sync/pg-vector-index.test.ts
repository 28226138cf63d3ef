import { describe, expect, it } from 'vitest';
import { ivfflatLists, ivfflatProbes } from '../../../src/main/sync/pg-vector-index';

describe("ivfflat sizing (the seed's table)", () => {
  it('uses rows / 1000 lists up to a million rows, sqrt(rows) above, never fewer than 1', () => {
    expect(ivfflatLists(0)).toBe(1);
    expect(ivfflatLists(400)).toBe(1);
    expect(ivfflatLists(50_000)).toBe(50);
    expect(ivfflatLists(1_000_000)).toBe(1000);
    expect(ivfflatLists(4_000_000)).toBe(2000);
  });

  it('probes sqrt(lists)', () => {
    expect(ivfflatProbes(1)).toBe(1);
    expect(ivfflatProbes(50)).toBe(7);
    expect(ivfflatProbes(1000)).toBe(32);
    expect(ivfflatProbes(2000)).toBe(45);
  });
});
