import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import type { Fact, Label, SearchResult } from '../../../src/shared/contract';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import { runCli } from '../cli/cli-harness';
import { exited, sandbox, startMcp, textOf, type McpChild, type Sandbox } from './mcp-harness';

// The built CLI as a stdio child over a Postgres (PGlite over the wire), driven by the SDK's client.
// A fresh PGlite per test: it serves every socket from one session, which keeps the prepared
// statements of a process that has exited, and another process may number its own alike.
let server: PgTestServer;
let box: Sandbox;
let mcp: McpChild | null = null;

beforeEach(async () => {
  box = sandbox('lexical');
  server = await startPgServer();
});
afterEach(async () => {
  await mcp?.close();
  mcp = null;
  await server?.close();
  box.cleanup();
});

async function ok<T>(m: McpChild, tool: string, args: Record<string, unknown>): Promise<T> {
  const r = await m.call(tool, args);
  expect(r.isError, textOf(r)).toBeFalsy();
  return r.structuredContent as T;
}

describe('hippo mcp --store postgres', () => {
  it('remembers, recalls, lists labels and forgets in Postgres; the SQLite file is never opened', async () => {
    mcp = await startMcp(box, ['--space', 'agent'], ['--store', 'postgres', '--pg', server.url]);
    const m = mcp;
    const a = await ok<{ id: number; status: string; mode: string }>(m, 'remember', {
      content: 'The user prefers window seats on trains',
      category: 'preference',
      label: 'Travel',
    });
    expect(a).toMatchObject({ status: 'created', label: 'Travel', mode: 'hybrid' });
    await ok(m, 'remember', { content: 'The user is allergic to peanuts', category: 'health' });
    const dup = await ok<{ id: number; status: string }>(m, 'remember', {
      content: 'the user prefers window seats on trains.',
    });
    expect(dup).toMatchObject({ id: a.id, status: 'duplicate' });

    const found = await ok<{ mode: string; results: SearchResult[] }>(m, 'recall', {
      query: 'window seat train',
    });
    expect(found.mode).toBe('hybrid');
    expect(found.results[0]).toMatchObject({ fact_id: a.id, label_name: 'Travel' });

    const labels = await ok<{ labels: Label[] }>(m, 'list_labels', {});
    expect(labels.labels.map((l) => [l.name, l.fact_count])).toEqual([['Travel', 1]]);
    expect((await ok<{ labels: Label[] }>(m, 'list_labels', { space: 'other' })).labels).toEqual([]);

    const forgot = await ok<Fact>(m, 'forget', { id: a.id });
    expect(forgot).toMatchObject({ id: a.id, space: 'agent' });
    expect(forgot.deleted_at).not.toBeNull();
    const after = await ok<{ results: SearchResult[] }>(m, 'recall', { query: 'window seat train' });
    expect(after.results.map((r) => r.fact_id)).not.toContain(a.id);

    // Errors are tool results, worded as the SQLite server words them.
    const missing = await m.call('forget', { id: 999_999 });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toBe('NOT_FOUND: no fact with id 999999 in space "agent"');
    const bad = await m.call('remember', { content: '' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^BAD_INPUT: content/);

    const store = await PostgresStore.open({ url: server.url, embedder: null, space: 'agent' });
    try {
      const rows = await store.list({ deleted: 'include' });
      expect(rows.facts.map((f) => [f.content, f.deleted_at !== null])).toEqual([
        ['The user is allergic to peanuts', false],
        ['The user prefers window seats on trains', true],
      ]);
    } finally {
      await store.close();
    }
    expect(m.stderr()).toMatch(
      /hippo mcp: serving postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres \(default space "agent"\)/,
    );
    const pid = m.pid;
    await m.close();
    mcp = null;
    await exited(pid);
    expect(existsSync(box.db)).toBe(false);
  });

  it('embeds facts stored while the model was missing once its model is ready', async () => {
    // Closed before the server starts, so the two processes' prepared statements never meet.
    const offline = await PostgresStore.open({ url: server.url, embedder: null, space: 'later' });
    try {
      await offline.encode({ content: 'The spare key is under the blue pot' });
      expect((await offline.stats()).pending_embeddings).toBe(1);
    } finally {
      await offline.close();
    }
    mcp = await startMcp(box, ['--space', 'later'], ['--store', 'postgres', '--pg', server.url]);
    const found = await ok<{ mode: string; results: SearchResult[] }>(mcp, 'recall', { query: 'spare key' });
    expect(found.mode).toBe('hybrid');
    const checker = await PostgresStore.open({ url: server.url, embedder: null, space: 'later' });
    try {
      for (let i = 0; i < 200 && (await checker.stats()).pending_embeddings > 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect((await checker.stats()).pending_embeddings).toBe(0);
      const row = await checker.pool.query("SELECT embedded_model FROM facts WHERE space = 'later'");
      expect(row.rows).toEqual([{ embedded_model: expect.stringMatching(/^minilm:/) }]);
    } finally {
      await checker.close();
    }
  });

  it('refuses --store postgres without a server as BAD_INPUT, before serving', async () => {
    const r = await runCli(['mcp', '--store', 'postgres'], { env: box.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hippo mcp: BAD_INPUT: --store postgres needs a server: give --pg/);
    expect(r.stdout).toBe('');
  });
});
