import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { nodeWorkerHostFactory } from '../../../src/main/embedder/node-worker-host';
import type { WorkerHost } from '../../../src/main/embedder/types';
import { makeTempDir } from '../../helpers/temp-dir';
import { LEXICAL_DIR } from './helpers';

describe('a model that cannot load', () => {
  it('fails with MODEL_FAILED, then fails fast instead of respawning a worker on every call', async () => {
    const tmp = makeTempDir();
    const dir = join(tmp.dir, 'broken-model');
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

    let spawned = 0;
    const factory = nodeWorkerHostFactory({});
    const client = new EmbedderClient({
      hostFactory: (): WorkerHost => {
        spawned++;
        return factory();
      },
      resolveModelDir: () => dir,
      failureBackoffMs: 60_000,
    });
    try {
      expect(await client.ready()).toBe(false);
      expect(client.lastError?.code).toBe('MODEL_FAILED');
      expect(spawned).toBe(1);
      await expect(client.embed(['hello'])).rejects.toMatchObject({ code: 'MODEL_FAILED' });
      expect(await client.ready()).toBe(false);
      expect(spawned).toBe(1);
    } finally {
      await client.close();
      tmp.cleanup();
    }
  });

  it('retries after the back-off has passed', async () => {
    let dir = '/nonexistent';
    let spawned = 0;
    const factory = nodeWorkerHostFactory({});
    const tmp = makeTempDir();
    const broken = join(tmp.dir, 'broken');
    mkdirSync(join(broken, 'onnx'), { recursive: true });
    for (const f of [
      'tokenizer.json',
      'tokenizer_config.json',
      'config.json',
      'special_tokens_map.json',
      'vocab.txt',
    ])
      copyFileSync(join(LEXICAL_DIR, f), join(broken, f));
    writeFileSync(join(broken, 'onnx', 'model.onnx'), 'garbage');
    dir = broken;
    const client = new EmbedderClient({
      hostFactory: () => {
        spawned++;
        return factory();
      },
      resolveModelDir: () => dir,
      failureBackoffMs: 0,
    });
    try {
      expect(await client.ready()).toBe(false);
      dir = LEXICAL_DIR;
      expect(await client.ready()).toBe(true);
      expect(spawned).toBe(2);
      expect((await client.embed(['hello world']))[0]).toHaveLength(384);
    } finally {
      await client.close();
      tmp.cleanup();
    }
  });
});
