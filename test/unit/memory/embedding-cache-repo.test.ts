import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../../src/main/memory/open-db';
import { EmbeddingCacheRepo } from '../../../src/main/memory/embedding-cache-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const vec = (x: number) => new Float32Array([x, x + 1, x + 2]);
const stored = (path: string): number => {
  const { db } = openDb(path);
  try {
    return (db.prepare('SELECT count(*) AS n FROM embedding_cache').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('EmbeddingCacheRepo', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('buffers writes, serves them at once, and commits them together', () => {
    const path = join(tmp.dir, 'a.db');
    const { db } = openDb(path);
    const cache = new EmbeddingCacheRepo(db);
    cache.putMany([
      ['a', vec(1)],
      ['b', vec(2)],
    ]);
    expect(cache.getMany(['a', 'b', 'c'])).toEqual(
      new Map([
        ['a', vec(1)],
        ['b', vec(2)],
      ]),
    );
    // Another connection sees nothing yet: the entries wait for one shared commit.
    expect(stored(path)).toBe(0);
    cache.flush();
    expect(stored(path)).toBe(2);
    db.close();
  });

  it('commits once enough entries wait, and on flush before close', () => {
    const path = join(tmp.dir, 'b.db');
    const { db } = openDb(path);
    const cache = new EmbeddingCacheRepo(db);
    cache.putMany(Array.from({ length: 300 }, (_, i): [string, Float32Array] => [`k${i}`, vec(i)]));
    expect(stored(path)).toBe(300);
    cache.putMany([['late', vec(9)]]);
    expect(cache.count()).toBe(301);
    cache.putMany([['last', vec(10)]]);
    cache.flush();
    db.close();
    expect(stored(path)).toBe(302);
    // Flushing a closed database is a no-op, not a crash.
    expect(() => cache.flush()).not.toThrow();
  });

  it('commits a lone entry within about a second', async () => {
    const path = join(tmp.dir, 'c.db');
    const { db } = openDb(path);
    const cache = new EmbeddingCacheRepo(db);
    cache.putMany([['a', vec(1)]]);
    await expect.poll(() => stored(path), { timeout: 5000, interval: 100 }).toBe(1);
    db.close();
  });
});
