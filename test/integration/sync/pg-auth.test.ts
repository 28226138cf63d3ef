import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Memory } from '../../../src/main/memory/memory';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { HippoError } from '../../../src/shared/errors';
import { startPasswordGate, type PasswordGate } from '../../helpers/pg-password-gate';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import type { SyncStatus } from '../../../src/main/sync/sync-engine';
import { json, runCli, sandbox, type Sandbox } from '../cli/cli-harness';

/**
 * A wrong password, as a server that checks passwords answers it. PGlite lets anyone in, so in
 * front of it stands a gate that runs the real SCRAM-SHA-256 login and refuses with SQLSTATE
 * 28P01 (test/helpers/pg-password-gate.ts). With HIPPO_TEST_PG_URL the same tests run against
 * that real server, the wrong password being its URL's with one character changed.
 */
const RIGHT = 'correct-horse-battery';
const WRONG = 'correct-horse-batterx';

let server: PgTestServer;
let gate: PasswordGate | null = null;
let urls: { right: string; wrong: string; user: string; hostPort: string };
const boxes: Sandbox[] = [];

beforeAll(async () => {
  server = await startPgServer();
  const u = new URL(server.url);
  if (server.kind === 'external') {
    const wrong = new URL(server.url);
    wrong.password = encodeURIComponent(`${decodeURIComponent(u.password)}x`);
    urls = {
      right: server.url,
      wrong: wrong.toString(),
      user: decodeURIComponent(u.username),
      hostPort: u.host,
    };
  } else {
    gate = await startPasswordGate({ backend: u.host, user: 'hippo', password: RIGHT });
    const hostPort = new URL(gate.url(RIGHT)).host;
    urls = { right: gate.url(RIGHT), wrong: gate.url(WRONG), user: 'hippo', hostPort };
  }
});
afterAll(async () => {
  for (const b of boxes) b.cleanup();
  await gate?.close();
  await server?.close();
});

function device(): Sandbox {
  const box = sandbox('none');
  boxes.push(box);
  return box;
}

const rejection = () => `Postgres at ${urls.hostPort} rejected the password for user '${urls.user}'`;
const secretOf = (url: string) => decodeURIComponent(new URL(url).password);

describe('a server that checks passwords', () => {
  it('lets the right password in: the store migrates, encodes and recalls through it', async () => {
    const store = await PostgresStore.open({ url: urls.right });
    try {
      const { id } = await store.encode({ content: 'The spare key hangs behind the boiler' });
      const results = await store.recall('where is the spare key');
      expect(results.map((r) => r.fact_id)).toContain(id);
    } finally {
      await store.close();
    }
  });

  it('refuses a wrong password with a DB_ERROR naming the user and server, never the password', async () => {
    const refusedBefore = gate?.refused ?? 0;
    const e = await PostgresStore.open({ url: urls.wrong }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(HippoError);
    expect((e as HippoError).code).toBe('DB_ERROR');
    expect((e as HippoError).message).toBe(rejection());
    expect((e as HippoError).message).not.toContain(secretOf(urls.wrong));
    if (gate) expect(gate.refused).toBeGreaterThan(refusedBefore);
  });

  it('hippo recall --pg and hippo sync --pg with a wrong password: exit 1, a clear message, nothing written', async () => {
    const box = device();
    const memory = Memory.open({ dbPath: box.db });
    try {
      await memory.encode({ content: 'Passport renewal is due in March' });
    } finally {
      await memory.close();
    }
    const rows = async () => {
      const store = await PostgresStore.open({ url: urls.right });
      try {
        return (await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM facts')).rows[0]!.n;
      } finally {
        await store.close();
      }
    };
    const remoteBefore = await rows();

    const recall = await runCli(['recall', 'passport', '--pg', urls.wrong], { env: box.env });
    expect(recall.code).toBe(1);
    expect(recall.stderr).toContain(rejection());
    expect(recall.stderr).not.toContain(secretOf(urls.wrong));

    const sync = await runCli(['sync', '--pg', urls.wrong], { env: box.env });
    expect(sync.code).toBe(1);
    expect(sync.stderr).toContain(rejection());
    expect(sync.stderr).not.toContain(secretOf(urls.wrong));
    expect(await rows()).toBe(remoteBefore);
    // Never synced: no server to record the failure against yet.
    expect(json<SyncStatus>(await runCli(['sync', '--status', '--json'], { env: box.env }))).toMatchObject({
      last_result: null,
      pending_local: 1,
    });
    // The local fact is still waiting to be pushed, and the right password then pushes it.
    const ok = await runCli(['sync', '--pg', urls.right], { env: box.env });
    expect(ok.code).toBe(0);
    expect(await rows()).toBe(remoteBefore + 1);

    // Once synced, a later refusal (the password changed on the server) shows in --status.
    expect((await runCli(['sync', '--pg', urls.wrong], { env: box.env })).code).toBe(1);
    const status = json<SyncStatus>(await runCli(['sync', '--status', '--json'], { env: box.env }));
    expect(status).toMatchObject({ last_result: 'failed', pending_local: 0 });
    expect(status.last_error).toBe(rejection());
  });
});
