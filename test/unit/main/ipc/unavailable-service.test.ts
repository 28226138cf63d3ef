import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { Memory } from '../../../../src/main/memory/memory';
import { unavailableService } from '../../../../src/main/ipc/unavailable-service';
import { HippoError } from '../../../../src/shared/errors';
import type { AppInfo } from '../../../../src/shared/ipc-contract';
import { makeTempDir } from '../../../helpers/temp-dir';

const info: AppInfo = {
  version: '1.0.0',
  shell: 'electron',
  data_dir: '/data',
  hotkey_error: null,
  api_url: null,
};

describe('unavailableService', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('still answers app:info and explains a real open failure on every other channel', async () => {
    const tmp = makeTempDir('hippo-unavailable-');
    cleanups.push(tmp.cleanup);
    const dbPath = join(tmp.dir, 'hippo.db');
    writeFileSync(dbPath, 'this is not a SQLite database, just text that is long enough'.repeat(20));
    let openError: unknown;
    try {
      Memory.open({ dbPath, embedder: null });
    } catch (err) {
      openError = err;
    }
    expect(openError, 'Memory.open should refuse a non-database file').toBeDefined();

    const service = unavailableService(openError, dbPath, () => info);
    expect(await service.dispatch('app:info', undefined)).toEqual({ ok: true, value: info });
    const recall = await service.dispatch('memory:recall', { query: 'x' });
    expect(recall.ok).toBe(false);
    if (!recall.ok) {
      expect(['DB_ERROR', 'MIGRATION_FAILED', 'INTERNAL']).toContain(recall.error.code);
      expect(recall.error.message.length).toBeGreaterThan(0);
    }
  });

  it('passes a HippoError on with its code and wraps anything else as DB_ERROR naming the file', async () => {
    const migration = unavailableService(
      new HippoError('MIGRATION_FAILED', 'too new'),
      '/d/h.db',
      () => info,
    );
    expect(await migration.dispatch('facts:list', {})).toEqual({
      ok: false,
      error: { code: 'MIGRATION_FAILED', message: 'too new' },
    });
    const locked = unavailableService(new Error('database is locked'), '/d/h.db', () => info);
    expect(await locked.dispatch('stats:get', {})).toEqual({
      ok: false,
      error: {
        code: 'DB_ERROR',
        message: 'Hippo could not open its database at /d/h.db: database is locked',
      },
    });
    expect(await locked.dispatch('shell:exec', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });
});
