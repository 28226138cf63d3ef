import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { benchModelDir, FULL_SIZES, parseBenchArgs, QUICK_SIZES } from '../../../bench/lib/bench-options';
import { IMPORT_CHUNK_SIZE } from '../../../src/cli/import-command';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

describe('parseBenchArgs', () => {
  it('defaults to the full sizes: 10,000 facts, 200 recalls, 100 encodes, disk cache on', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({
      ...FULL_SIZES,
      threads: 2,
      workers: 1,
      limit: 10,
      diskCache: true,
      quick: false,
      out: null,
    });
    expect(o.facts).toBe(10_000);
    expect(o.recalls).toBe(200);
    expect(o.encodes).toBe(100);
  });

  it('--model: the fp32 twin by default, plus the real model whenever HIPPO_MODEL_DIR holds one', () => {
    const none = {};
    expect(parseBenchArgs([], none)).toMatchObject({ model: 'twin', models: ['twin'] });
    expect(parseBenchArgs(['--model', 'twin-int8'], none).models).toEqual(['twin-int8']);
    expect(parseBenchArgs(['--model', 'twin,twin-int8,twin'], none).models).toEqual(['twin', 'twin-int8']);
    expect(() => parseBenchArgs(['--model', 'minilm'], none)).toThrow(
      '--model: one of twin, twin-int8, real, got "minilm"',
    );
    expect(() => parseBenchArgs(['--model', 'real'], none)).toThrow(
      /HIPPO_MODEL_DIR holds no onnx\/model.onnx/,
    );
    // A folder with weights (here the generated twin standing in for the real model).
    const withModel = { HIPPO_MODEL_DIR: path.join(repoRoot, 'test', '.models', 'twin') };
    expect(parseBenchArgs([], withModel).models).toEqual(['twin', 'real']);
    expect(parseBenchArgs(['--model', 'real'], withModel).models).toEqual(['real']);
    expect(benchModelDir('real', repoRoot, withModel)).toBe(withModel.HIPPO_MODEL_DIR);
    expect(benchModelDir('twin-int8', repoRoot, none)).toBe(
      path.join(repoRoot, 'test', '.models', 'twin-int8'),
    );
    expect(() => benchModelDir('twin', '/nowhere', none)).toThrow(/twin model not found in \/nowhere/);
  });

  it('--quick picks the small sizes, and explicit size flags win in any order', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ ...QUICK_SIZES, quick: true });
    expect(parseBenchArgs(['--facts', '1000', '--quick'])).toMatchObject({
      facts: 1000,
      recalls: QUICK_SIZES.recalls,
    });
    expect(parseBenchArgs(['--quick', '--recalls=7']).recalls).toBe(7);
  });

  it('reads every size flag, --out, --name, --no-disk-cache and --strict', () => {
    const o = parseBenchArgs([
      '--facts',
      '2000',
      '--recalls',
      '50',
      '--filtered',
      '20',
      '--text-only',
      '30',
      '--encodes',
      '40',
      '--warmup',
      '0',
      '--embed-one',
      '9',
      '--embed-batch',
      '4',
      '--chunk',
      '64',
      '--threads',
      '1',
      '--workers',
      '2',
      '--limit',
      '5',
      '--out',
      'x.json',
      '--name',
      'my-run',
      '--no-disk-cache',
      '--strict',
    ]);
    expect(o).toMatchObject({
      facts: 2000,
      recalls: 50,
      filteredRecalls: 20,
      textOnlyRecalls: 30,
      encodes: 40,
      warmup: 0,
      embedOneSamples: 9,
      embedBatchSamples: 4,
      chunk: 64,
      threads: 1,
      workers: 2,
      limit: 5,
      out: 'x.json',
      name: 'my-run',
      diskCache: false,
      strict: true,
    });
  });

  it('rejects unknown flags, non-integers, zero sizes and out-of-range limits, naming the flag', () => {
    expect(() => parseBenchArgs(['--fact', '10'])).toThrow(/fact/);
    expect(() => parseBenchArgs(['--facts', 'ten'])).toThrow(/--facts/);
    expect(() => parseBenchArgs(['--facts', '1.5'])).toThrow(/--facts/);
    expect(() => parseBenchArgs(['--recalls', '0'])).toThrow(/--recalls: expected an integer >= 1/);
    expect(() => parseBenchArgs(['--limit', '101'])).toThrow(/--limit/);
    expect(() => parseBenchArgs(['--chunk', '20000'])).toThrow(/--chunk/);
    // The batch floor is sampled before and after the import: one sample would leave a side empty.
    expect(() => parseBenchArgs(['--embed-batch', '1'])).toThrow(/--embed-batch: expected an integer >= 2/);
    expect(() => parseBenchArgs(['--name', '../escape'])).toThrow(/--name/);
    expect(() => parseBenchArgs(['stray'])).toThrow();
  });

  it('imports in chunks of `hippo import` by default', () => {
    expect(parseBenchArgs([]).chunk).toBe(IMPORT_CHUNK_SIZE);
  });

  it('HTTP phases: 15 s at 1, 8, 32 connections by default; quick 2 s at 1, 8; --no-http skips them', () => {
    expect(parseBenchArgs([])).toMatchObject({ http: true, httpSeconds: 15, httpConnections: [1, 8, 32] });
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      http: true,
      httpSeconds: 2,
      httpConnections: [1, 8],
    });
    expect(parseBenchArgs(['--no-http']).http).toBe(false);
    expect(parseBenchArgs(['--quick', '--http-seconds', '5', '--http-connections', '4, 16'])).toMatchObject({
      httpSeconds: 5,
      httpConnections: [4, 16],
    });
  });

  it('rejects bad HTTP flags', () => {
    expect(() => parseBenchArgs(['--http-seconds', '0'])).toThrow(/--http-seconds/);
    expect(() => parseBenchArgs(['--http-seconds', '601'])).toThrow(/--http-seconds: at most 600/);
    for (const bad of ['', '8,', '0', '1,1', 'x', '2000', '1.5']) {
      expect(() => parseBenchArgs(['--http-connections', bad])).toThrow(/--http-connections/);
    }
  });

  it('-h asks for help', () => {
    expect(parseBenchArgs(['-h']).help).toBe(true);
  });
});
