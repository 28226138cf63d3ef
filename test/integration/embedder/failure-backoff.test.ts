import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { nodeWorkerHostFactory } from '../../../src/main/embedder/node-worker-host';
import { makeTempDir } from '../../helpers/temp-dir';
import { LEXICAL_DIR } from './helpers';

const tmp = makeTempDir();
afterAll(tmp.cleanup);

/** A model folder with the real tokenizer files and weights that are not an ONNX protobuf. */
function brokenModelDir(name: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of [
    'tokenizer.json',
    'tokenizer_config.json',
    'config.json',
    'special_tokens_map.json',
    'vocab.txt',
  ])
    copyFileSync(join(LEXICAL_DIR, f), join(dir, f));
  writeFileSync(join(dir, 'onnx', 'model.onnx'), 'this is not an onnx protobuf');
  return dir;
}

/** A client over real forked workers that counts how many it started. */
function countingClient(resolveModelDir: () => string, failureBackoffMs: number) {
  const factory = nodeWorkerHostFactory({});
  const counter = { spawned: 0 };
  const client = new EmbedderClient({
    hostFactory: () => {
      counter.spawned++;
      return factory();
    },
    resolveModelDir,
    failureBackoffMs,
  });
  return { client, counter };
}

describe('a model that cannot load', () => {
  it('fails with MODEL_FAILED, then fails fast instead of respawning a worker on every call', async () => {
    const dir = brokenModelDir('broken-1');
    const { client, counter } = countingClient(() => dir, 60_000);
    try {
      expect(await client.ready()).toBe(false);
      expect(client.lastError?.code).toBe('MODEL_FAILED');
      expect(counter.spawned).toBe(1);
      await expect(client.embed(['hello'])).rejects.toMatchObject({ code: 'MODEL_FAILED' });
      expect(await client.ready()).toBe(false);
      expect(counter.spawned).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('retries after the back-off has passed', async () => {
    let dir = brokenModelDir('broken-2');
    const { client, counter } = countingClient(() => dir, 0);
    try {
      expect(await client.ready()).toBe(false);
      dir = LEXICAL_DIR;
      expect(await client.ready()).toBe(true);
      expect(counter.spawned).toBe(2);
      expect((await client.embed(['hello world']))[0]).toHaveLength(384);
    } finally {
      await client.close();
    }
  });
});
