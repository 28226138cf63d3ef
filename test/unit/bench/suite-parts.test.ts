import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseCacheFile, importSliceOf, IMPORT_SLICE } from '../../../bench/lib/memory-bench';
import { childPids, ownPeakRssMb, peakRssMb, procRssMb } from '../../../bench/lib/proc-rss';

describe('the import slice', () => {
  it('is the last 5,000 facts, or half of a smaller memory', () => {
    expect(importSliceOf(100_000)).toBe(IMPORT_SLICE);
    expect(importSliceOf(10_000)).toBe(5000);
    expect(importSliceOf(1000)).toBe(500);
    expect(importSliceOf(257)).toBe(129);
  });
});

describe('baseCacheFile', () => {
  const key = { baseFacts: 95_000, dataHash: '0c0d6775e466', modelId: 'minilm:c99652646deeb69a', schema: 4 };
  it('names one file per size, data, model and schema, safe for any model id', () => {
    expect(baseCacheFile('/c', key)).toBe(
      path.join('/c', 'base-95000-0c0d6775e466-minilm_c99652646deeb69a-s4.db'),
    );
    const files = new Set([
      baseCacheFile('/c', key),
      baseCacheFile('/c', { ...key, baseFacts: 5000 }),
      baseCacheFile('/c', { ...key, dataHash: 'ffffffffffff' }),
      baseCacheFile('/c', { ...key, modelId: 'minilm:other' }),
      baseCacheFile('/c', { ...key, schema: 5 }),
    ]);
    expect(files.size).toBe(5);
    expect(path.dirname(baseCacheFile('/c', { ...key, modelId: '../../etc/x' }))).toBe('/c');
  });
});

describe.runIf(process.platform === 'linux')('proc-rss', () => {
  it('reads peak RSS of this process and finds a child by its parent pid', async () => {
    expect(peakRssMb(process.pid)).toBeGreaterThan(10);
    expect(ownPeakRssMb()).toBeGreaterThan(10);
    const own = procRssMb(process.pid)!;
    expect(own.nowMb).toBeGreaterThan(10);
    expect(own.peakMb).toBeGreaterThanOrEqual(own.nowMb);
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(childPids(process.pid)).toContain(child.pid);
      expect(peakRssMb(child.pid!)).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
    await new Promise((resolve) => child.once('exit', resolve));
    expect(peakRssMb(child.pid!)).toBeNull();
    expect(procRssMb(child.pid!)).toBeNull();
  });
});
