import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, unpackedPath } from '../../../src/main/memory/open-db';
import { MIGRATIONS } from '../../../src/main/memory/migrations';
import { makeTempDir } from '../../helpers/temp-dir';

describe('openDb', () => {
  const tmp = makeTempDir();
  afterAll(tmp.cleanup);

  it('opens with WAL, synchronous=FULL, foreign keys, busy timeout and sqlite-vec loaded', () => {
    const { db } = openDb(join(tmp.dir, 'a.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.prepare('SELECT vec_version() AS v').get()).toMatchObject({
        v: expect.stringMatching(/^v0\.1\./),
      });
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    } finally {
      db.close();
    }
  });

  it('creates the folder of a new database file', () => {
    const path = join(tmp.dir, 'nested', 'deeper', 'b.db');
    const { db } = openDb(path);
    db.close();
    const again = openDb(path);
    expect(again.migration.from).toBe(MIGRATIONS.at(-1)!.version);
    again.db.close();
  });

  it('fails with a clear DB_ERROR when the path cannot be a database', () => {
    expect(() => openDb(tmp.dir)).toThrow(/cannot open database|cannot prepare database/);
  });
});

describe('unpackedPath', () => {
  it('points a library inside app.asar at its unpacked copy, and leaves other paths alone', () => {
    expect(unpackedPath('/opt/Hippo/resources/app.asar/node_modules/sqlite-vec-linux-x64/vec0.so')).toBe(
      '/opt/Hippo/resources/app.asar.unpacked/node_modules/sqlite-vec-linux-x64/vec0.so',
    );
    expect(
      unpackedPath('C:\\Hippo\\resources\\app.asar\\node_modules\\sqlite-vec-windows-x64\\vec0.dll'),
    ).toBe('C:\\Hippo\\resources\\app.asar.unpacked\\node_modules\\sqlite-vec-windows-x64\\vec0.dll');
    const dev = '/work/main/node_modules/sqlite-vec-linux-x64/vec0.so';
    expect(unpackedPath(dev)).toBe(dev);
    expect(unpackedPath('/x/app.asar.unpacked/vec0.so')).toBe('/x/app.asar.unpacked/vec0.so');
  });
});
