import { join } from 'node:path';
import { createNodeEmbedder } from '../../src/main/embedder/embedder-client';
import type { Embedder } from '../../src/main/embedder/types';
import { Memory, type MemoryOptions } from '../../src/main/memory/memory';
import { makeTempDir } from './temp-dir';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const LEXICAL_MODEL_DIR = join(REPO_ROOT, 'test', '.models', 'lexical');

/**
 * A Memory on a temp database file with the real embedder worker running the generated
 * lexical model (texts that share words embed close together).
 */
export function openLexicalMemory(opts: Partial<MemoryOptions> & { embedder?: Embedder | null } = {}) {
  const tmp = makeTempDir('hippo-mem-');
  const embedder =
    opts.embedder === undefined
      ? createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 })
      : opts.embedder;
  const dbPath = opts.dbPath ?? join(tmp.dir, 'hippo.db');
  const memory = Memory.open({ ...opts, dbPath, embedder });
  return {
    memory,
    embedder,
    dbPath,
    dir: tmp.dir,
    async close() {
      await memory.close();
      await embedder?.close();
      tmp.cleanup();
    },
  };
}
