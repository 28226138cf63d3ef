import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memory } from '../../../src/main/memory/memory';
import type { SyncStatus, SyncSummary } from '../../../src/main/sync/sync-engine';
import { BIN, ROOT, json, runCli, sandbox, type Sandbox } from '../cli/cli-harness';
import { openRemote, snapshot } from './sync-helpers';

let remote: Awaited<ReturnType<typeof openRemote>>;
const boxes: Sandbox[] = [];

beforeAll(async () => {
  remote = await openRemote();
});
afterAll(async () => {
  for (const b of boxes) b.cleanup();
  await remote?.close();
});

function device(): Sandbox & { env: Sandbox['env'] & { HIPPO_PG_URL: string } } {
  const box = sandbox('none');
  boxes.push(box);
  return { ...box, env: { ...box.env, HIPPO_PG_URL: remote.server.url } };
}

async function withMemory<T>(box: Sandbox, run: (m: Memory) => Promise<T> | T): Promise<T> {
  const memory = Memory.open({ dbPath: box.db });
  try {
    return await run(memory);
  } finally {
    await memory.close();
  }
}

async function remoteCount(table: 'facts' | 'labels'): Promise<number> {
  const r = await remote.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r.rows[0]!.n;
}

/**
 * Runs the built `hippo sync` as a child process and SIGKILLs it as soon as its progress (one
 * stderr line per committed batch) shows `phase` past `after` rows: it dies wherever its next
 * batch happens to be.
 */
function killMidSync(
  box: Sandbox,
  phase: 'push' | 'pull',
  after: number,
): Promise<{ signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sync', '--batch-size', '10'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...box.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const done = [...stderr.matchAll(new RegExp(`${phase}: (\\d+) of`, 'g'))].map((m) => Number(m[1]));
      if (done.some((n) => n >= after)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ signal, stderr }));
  });
}

describe('hippo sync', () => {
  it('refuses a missing or malformed server URL, and names an unreachable one without its password', async () => {
    const box = device();
    const none = await runCli(['sync'], { env: { ...box.env, HIPPO_PG_URL: undefined } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^hippo sync: BAD_INPUT: no Postgres server: give --pg/);
    const http = await runCli(['sync', '--pg', 'http://me:hunter22@example.com/db'], { env: box.env });
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('must start with postgres://');
    expect(http.stderr).not.toContain('hunter22');
    const closed = await runCli(['sync', '--pg', 'postgres://me:hunter22@127.0.0.1:1/hippo'], {
      env: box.env,
    });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/cannot reach Postgres at 127\.0\.0\.1:1/);
    expect(closed.stderr).not.toContain('hunter22');
    const batch = await runCli(['sync', '--batch-size', '0'], { env: box.env });
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain('--batch-size');
  });

  it('refuses a server without pgvector, saying how to install it', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 8 });
    await server.start();
    try {
      const box = device();
      const r = await runCli(['sync', '--pg', `postgres://postgres:pw@${server.getServerConn()}/postgres`], {
        env: box.env,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('pgvector');
      expect(r.stderr).not.toContain(':pw@');
    } finally {
      await server.stop();
      await db.close();
    }
  });

  it('refuses a server whose Hippo schema is newer, writing nothing, and --status shows why', async () => {
    const box = device();
    await withMemory(box, (m) => m.encode({ content: 'synced while the server was current' }));
    expect((await runCli(['sync'], { env: box.env })).code).toBe(0);
    await withMemory(box, (m) => m.encode({ content: 'must not reach the newer server' }));
    const { rows } = await remote.pool.query<{ value: string }>(
      "SELECT value FROM hippo_meta WHERE key = 'schema_version'",
    );
    const current = rows[0]!.value;
    const before = await remoteCount('facts');
    await remote.pool.query("UPDATE hippo_meta SET value = '99' WHERE key = 'schema_version'");
    try {
      const r = await runCli(['sync'], { env: box.env });
      expect(r.code).toBe(1);
      const refusal = `this Postgres holds Hippo schema 99; this Hippo knows up to ${current}: update Hippo`;
      expect(r.stderr).toContain(refusal);
      expect(await remoteCount('facts')).toBe(before);
      const status = json<SyncStatus>(await runCli(['sync', '--status', '--json'], { env: box.env }));
      expect(status).toMatchObject({ last_result: 'failed', pending_local: 1 });
      expect(status.last_error).toContain(refusal);
    } finally {
      await remote.pool.query("UPDATE hippo_meta SET value = $1 WHERE key = 'schema_version'", [current]);
    }
  });

  it('syncs, prints a --json summary, and --status reports it without the password', async () => {
    const box = device();
    await withMemory(box, async (m) => {
      await m.encode({ content: 'The wifi password is on the fridge', label: 'home' });
      await m.encode({ content: 'Bins go out on Thursday evening', label: 'home' });
    });
    const before = json<SyncStatus>(await runCli(['sync', '--status', '--json'], { env: box.env }));
    expect(before).toMatchObject({ last_sync_at: null, last_result: null, pending_local: 3 });
    const r = await runCli(['sync', '--json'], { env: box.env });
    expect(r.code, r.stderr).toBe(0);
    const summary = json<SyncSummary>(r);
    expect(summary).toMatchObject({ pushed: 3, conflicts: 0, pending_local: 0 });
    expect(summary.remote).not.toContain(':postgres@');
    const text = await runCli(['sync'], { env: box.env });
    expect(text.stdout).toMatch(
      /^Synced with postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: 0 sent, 0 received in/,
    );
    const status = await runCli(['sync', '--status'], { env: box.env });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/last sync: {2}\d{4}-\d\d-\d\dT.*\(ok\)/);
    expect(status.stdout).toContain('waiting:    0 local changes');
    expect(status.stdout).not.toContain(':postgres@');
  });

  it('draws a bar per phase on a terminal and prints one line per batch elsewhere', async () => {
    const box = device();
    await withMemory(box, (m) =>
      m.encodeMany(Array.from({ length: 12 }, (_, i) => ({ content: `Progress fact ${i}` }))),
    );
    const tty = await runCli(['sync', '--batch-size', '5'], { env: box.env, isTTY: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('\u2588');
    expect(tty.stderr).toMatch(/12 of 12 sent/);
    const other = device();
    const lines = await runCli(['sync', '--batch-size', '5'], { env: other.env });
    expect(lines.code, lines.stderr).toBe(0);
    expect(lines.stderr).toMatch(/^hippo sync: pull: \d+ of \d+$/m);
    expect(lines.stderr).not.toContain('\u2588');
  });

  it('killed with SIGKILL mid-push and mid-pull, loses nothing: the next run finishes and both devices agree', async () => {
    const a = device();
    const facts = 300;
    await withMemory(a, (m) =>
      m.encodeMany(
        Array.from({ length: facts }, (_, i) => ({ content: `Killed sync fact ${i}`, category: 'bulk' })),
      ),
    );
    const remoteBefore = await remoteCount('facts');
    const push = await killMidSync(a, 'push', 50);
    expect(push.signal).toBe('SIGKILL');
    const pushedBeforeKill = (await remoteCount('facts')) - remoteBefore;
    // Whole batches only: Postgres rolled the open one back.
    expect(pushedBeforeKill % 10).toBe(0);
    expect(pushedBeforeKill).toBeGreaterThanOrEqual(50);
    expect(pushedBeforeKill).toBeLessThan(facts);
    const finish = await runCli(['sync', '--json'], { env: a.env });
    expect(finish.code, finish.stderr).toBe(0);
    expect(json<SyncSummary>(finish).pending_local).toBe(0);
    expect((await remoteCount('facts')) - remoteBefore).toBe(facts);

    const b = device();
    const pull = await killMidSync(b, 'pull', 50);
    expect(pull.signal).toBe('SIGKILL');
    // It had applied at least the 50 rows its progress reported (facts of earlier tests come
    // first by change_seq), and not all of the bulk.
    const [rowsBeforeKill, bulkBeforeKill] = await withMemory(b, (m) => [
      m.db
        .prepare('SELECT (SELECT count(*) FROM facts) + (SELECT count(*) FROM labels)')
        .pluck()
        .get() as number,
      m.list({ category: 'bulk' }).total,
    ]);
    expect(rowsBeforeKill).toBeGreaterThanOrEqual(50);
    expect(bulkBeforeKill).toBeLessThan(facts);
    const rest = await runCli(['sync', '--json'], { env: b.env });
    expect(rest.code, rest.stderr).toBe(0);
    const [sa, sb] = [await withMemory(a, snapshot), await withMemory(b, snapshot)];
    const bulk = (s: ReturnType<typeof snapshot>) => s.facts.filter((f) => f.category === 'bulk');
    expect(bulk(sb)).toHaveLength(facts);
    expect(bulk(sb)).toEqual(bulk(sa));
    expect(json<SyncSummary>(await runCli(['sync', '--json'], { env: b.env }))).toMatchObject({
      pushed: 0,
      pulled: 0,
    });
  });
});
