import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { SyncRunner } from '../../../src/main/shell/sync-port';
import { Memory } from '../../../src/main/memory/memory';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import type { SyncStatus } from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The desktop app's sync pane through the app service, over the real SyncRunner, a real SQLite
 * memory and a real Postgres protocol server (PGlite, or HIPPO_TEST_PG_URL).
 */
describe('sync from the app (SyncRunner behind sync:*)', () => {
  let server: PgTestServer;
  let opened: ReturnType<typeof openLexicalMemory>;
  let runner: SyncRunner;
  let service: AppService;
  let remoteFile: string;

  async function status(channel: 'sync:status' | 'sync:run' = 'sync:status'): Promise<SyncStatus> {
    const r = await service.dispatch(channel, {});
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as SyncStatus;
  }

  beforeAll(async () => {
    server = await startPgServer();
    opened = openLexicalMemory();
    remoteFile = join(opened.dir, 'home', 'sync-remote');
    runner = new SyncRunner({ memory: opened.memory, remoteFile });
    service = createAppService({
      memory: opened.memory,
      embedder: opened.embedder,
      appInfo: () => ({
        version: 't',
        shell: 'electron',
        data_dir: opened.dir,
        hotkey_error: null,
        api_url: null,
      }),
      sync: runner,
    });
  }, 120_000);
  afterAll(async () => {
    await runner?.close();
    await opened?.close();
    await server?.close();
  });

  it('starts unconfigured and refuses to run without a server', async () => {
    expect(await status()).toMatchObject({
      configured: false,
      manageable: true,
      running: false,
      last_sync_at: null,
    });
    const r = await service.dispatch('sync:run', {});
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/set its address/) },
    });
  });

  it('keeps no address the server does not answer at, and never echoes its password', async () => {
    for (const url of ['mysql://root@localhost/hippo', 'postgres://me:s3cret-pw@127.0.0.1:1/hippo']) {
      const r = await service.dispatch('sync:configure', { url });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).not.toContain('s3cret-pw');
      expect(existsSync(remoteFile)).toBe(false);
    }
  });

  it('keeps a working address in a 0600 file, syncs in the background, and reports how it went', async () => {
    await opened.memory.encode({ content: 'The garage code is 4471', label: 'home' });
    await opened.memory.encode({ content: 'Mum likes white tulips' });
    const configured = await service.dispatch('sync:configure', { url: server.url });
    expect(configured).toMatchObject({
      ok: true,
      value: { configured: true, pending_local: expect.any(Number) },
    });
    expect(readFileSync(remoteFile, 'utf8').trim()).toBe(server.url);
    if (process.platform !== 'win32') expect(statSync(remoteFile).mode & 0o777).toBe(0o600);
    if (configured.ok) expect((configured.value as SyncStatus).remote).not.toContain(':postgres@');

    const started = await status('sync:run');
    expect(started.running).toBe(true);
    // Asking again while it runs joins the same sync.
    expect((await status('sync:run')).running).toBe(true);
    await until('the sync to finish', async () => !(await status()).running);
    const done = await status();
    expect(done).toMatchObject({
      last_result: 'ok',
      last_error: null,
      pending_local: 0,
      running: false,
      progress: null,
    });
    expect(done.pushed).toBeGreaterThanOrEqual(2);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const rows = await client.query<{ content: string }>('SELECT content FROM facts ORDER BY content');
      expect(rows.rows.map((r) => r.content)).toEqual(['Mum likes white tulips', 'The garage code is 4471']);
    } finally {
      await client.end();
    }
  });

  it('a failed sync is shown with its reason, and forgetting the server removes the file', async () => {
    // The server goes away: the next sync fails with a message, and the app carries on.
    await server.close();
    await status('sync:run');
    await until('the failed sync to end', async () => !(await status()).running);
    const failed = await status();
    expect(failed.last_result).toBe('failed');
    expect(failed.last_error).toBeTruthy();
    expect(failed.last_error).not.toContain(':postgres@');

    expect(await service.dispatch('sync:configure', { url: null })).toMatchObject({
      ok: true,
      value: { configured: false },
    });
    expect(existsSync(remoteFile)).toBe(false);
    server = await startPgServer();
  });

  it('embeds the facts a device without the model sent, right after the sync brings them', async () => {
    // A second app memory with background embedding, as the desktop app opens it.
    const app = openLexicalMemory({ backgroundEmbedding: true });
    const appRunner = new SyncRunner({
      memory: app.memory,
      remoteFile: join(app.dir, 'home', 'sync-remote'),
    });
    const textOnly = Memory.open({ dbPath: join(app.dir, 'text-only.db') });
    try {
      const pool = new pg.Pool({ connectionString: server.url, max: 2 });
      try {
        await textOnly.encode({ content: 'The spare fuses are in the hall cupboard' });
        await syncWithPostgres(textOnly, pool, { url: server.url });
      } finally {
        await pool.end();
      }
      // The app has been running: its model is loaded and nothing waits for a vector.
      await app.memory.encode({ content: 'The car is due for its service in June' });
      const unembedded = () =>
        (
          app.memory.db.prepare('SELECT COUNT(*) AS n FROM facts WHERE embedded_model IS NULL').get() as {
            n: number;
          }
        ).n;
      expect(unembedded()).toBe(0);
      await appRunner.configure(server.url);
      appRunner.run();
      await appRunner.settled();
      expect(appRunner.status().last_result).toBe('ok');
      // Read straight from SQLite: nothing but the sync may start the embedding.
      await until('the pulled fact to be embedded', () => unembedded() === 0, 20_000);
      const results = await app.memory.recall('where are the spare fuses');
      expect(results[0]).toMatchObject({ content: 'The spare fuses are in the hall cupboard' });
      expect(results[0]!.similarity).not.toBeNull();
    } finally {
      await appRunner.close();
      await textOnly.close();
      await app.close();
    }
  });
});
