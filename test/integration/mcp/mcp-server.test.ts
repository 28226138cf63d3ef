import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fact, Label, SearchResult } from '../../../src/shared/contract';
import { runBin } from '../cli/cli-harness';
import { exited, sandbox, startMcp, textOf, type McpChild, type Sandbox } from './mcp-harness';

// The real built CLI as a stdio child, driven by the SDK's own client, as an MCP host would.
let box: Sandbox;
let mcp: McpChild | null = null;

beforeEach(() => {
  box = sandbox('lexical');
});
afterEach(async () => {
  await mcp?.close();
  mcp = null;
  box.cleanup();
});

async function start(globalArgs: string[] = []): Promise<McpChild> {
  mcp = await startMcp(box, globalArgs);
  return mcp;
}

interface RecallOut {
  mode: string;
  results: SearchResult[];
}

async function recall(m: McpChild, args: Record<string, unknown>): Promise<RecallOut> {
  const r = await m.call('recall', args);
  expect(r.isError, textOf(r)).toBeFalsy();
  return r.structuredContent as unknown as RecallOut;
}

async function remember(m: McpChild, args: Record<string, unknown>): Promise<{ id: number; status: string }> {
  const r = await m.call('remember', args);
  expect(r.isError, textOf(r)).toBeFalsy();
  return r.structuredContent as { id: number; status: string };
}

function factCount(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return (conn.prepare('SELECT count(*) AS n FROM facts').get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

describe('hippo mcp', () => {
  it('lists the four tools with input schemas from the contract', async () => {
    const m = await start();
    const { tools } = await m.client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['forget', 'list_labels', 'recall', 'remember']);

    const remember = byName.remember!.inputSchema;
    expect(remember.required).toEqual(['content']);
    expect(Object.keys(remember.properties ?? {}).sort()).toEqual(
      ['category', 'confidence', 'content', 'label', 'source', 'space', 'supersedes'].sort(),
    );
    expect(remember.properties?.confidence).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
    expect(remember.properties?.space).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(remember).toMatchObject({ additionalProperties: false });

    const recallSchema = byName.recall!.inputSchema;
    expect(recallSchema.required).toEqual(['query']);
    expect(Object.keys(recallSchema.properties ?? {}).sort()).toEqual(
      [
        'as_of',
        'category',
        'context',
        'explain',
        'label',
        'limit',
        'minConfidence',
        'query',
        'reference_date',
        'since',
        'space',
        'time_words',
        'time_zone',
        'until',
      ].sort(),
    );
    expect(recallSchema.properties?.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });

    expect(byName.forget!.inputSchema.required).toEqual(['id']);
    expect(byName.forget!.inputSchema.properties?.id).toMatchObject({ type: 'integer' });
    expect(byName.list_labels!.inputSchema.required ?? []).toEqual([]);
    expect(Object.keys(byName.list_labels!.inputSchema.properties ?? {})).toEqual(['space']);

    for (const t of tools) {
      expect(t.description).toBeTruthy();
      expect(t.outputSchema).toMatchObject({ type: 'object' });
    }
  });

  it('remembers a fact and recalls it, as JSON text and structured content', async () => {
    const m = await start();
    const r = await m.call('remember', {
      content: 'Our cat Miso likes tuna',
      category: 'pets',
      label: 'cats',
      confidence: 0.9,
      source: 'chat',
    });
    expect(r.isError).toBeFalsy();
    const stored = r.structuredContent as { id: number; status: string; label: string | null; mode: string };
    expect(stored).toMatchObject({ status: 'created', label: 'cats', mode: 'hybrid' });
    expect(JSON.parse(textOf(r))).toEqual(stored);
    await remember(m, { content: 'The car needs new tyres before winter' });

    const found = await m.call('recall', { query: 'cat tuna', limit: 5 });
    expect(found.isError).toBeFalsy();
    const out = found.structuredContent as unknown as RecallOut;
    expect(JSON.parse(textOf(found))).toEqual(out);
    expect(out.mode).toBe('hybrid');
    expect(out.results[0]).toMatchObject({
      fact_id: stored.id,
      content: 'Our cat Miso likes tuna',
      category: 'pets',
      label_name: 'cats',
      confidence: 0.9,
      source: 'chat',
    });

    const filtered = await recall(m, { query: 'cat tuna', category: 'garage' });
    expect(filtered.results).toEqual([]);

    // Time words narrow by creation time and the answer says how they were read; explain is typed.
    const since = (await recall(m, {
      query: 'cat tuna since 2020',
      time_zone: 'UTC',
      explain: true,
    })) as RecallOut & {
      time?: { phrases: { phrase: string; since: string | null }[]; query: string };
    };
    expect(since.time).toMatchObject({
      query: 'cat tuna',
      phrases: [{ phrase: 'since 2020', since: '2020-01-01T00:00:00.000Z' }],
    });
    expect(since.results[0]).toMatchObject({
      fact_id: stored.id,
      explain: { matched_words: ['cat', 'tuna'] },
    });
    expect((await recall(m, { query: 'cat tuna before 2020' })).results).toEqual([]);

    // A duplicate is not stored twice.
    expect(await remember(m, { content: 'Our cat Miso likes tuna', category: 'pets' })).toMatchObject({
      id: stored.id,
      status: 'duplicate',
    });
  });

  it('keeps each space to itself', async () => {
    const m = await start();
    const a = await remember(m, { content: 'The deploy key lives in the vault', space: 'agent-a' });
    expect((await recall(m, { query: 'deploy key vault', space: 'agent-b' })).results).toEqual([]);
    expect((await recall(m, { query: 'deploy key vault' })).results).toEqual([]);
    expect((await recall(m, { query: 'deploy key vault', space: 'agent-a' })).results[0]?.fact_id).toBe(a.id);

    // Forgetting is scoped too: agent-b cannot forget agent-a's fact.
    const other = await m.call('forget', { id: a.id, space: 'agent-b' });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toMatch(/^NOT_FOUND: /);
  });

  it('uses the --space flag as the default space', async () => {
    const m = await start(['--space', 'agent-x']);
    await remember(m, { content: 'Standup moved to 9:30' });
    expect((await recall(m, { query: 'standup', space: 'agent-x' })).results).toHaveLength(1);
    expect((await recall(m, { query: 'standup', space: 'personal' })).results).toEqual([]);
    expect(m.stderr()).toContain('default space "agent-x"');
  });

  it('forgets a fact: recall no longer finds it', async () => {
    const m = await start();
    const kept = await remember(m, { content: 'Dentist appointment on Friday' });
    const gone = await remember(m, { content: 'Dentist appointment moved to Monday afternoon' });
    const r = await m.call('forget', { id: gone.id });
    expect(r.isError).toBeFalsy();
    const fact = r.structuredContent as unknown as Fact;
    expect(fact).toMatchObject({ id: gone.id, space: 'personal' });
    expect(fact.deleted_at).not.toBeNull();

    const ids = (await recall(m, { query: 'dentist appointment' })).results.map((x) => x.fact_id);
    expect(ids).toContain(kept.id);
    expect(ids).not.toContain(gone.id);

    const missing = await m.call('forget', { id: 999_999 });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^NOT_FOUND: /);
  });

  it('remember offers possible updates, replaces with supersedes, and recall answers as_of', async () => {
    const m = await start();
    const lisbon = await remember(m, { content: 'Anna lives in Lisbon' });
    const porto = await m.call('remember', { content: 'Anna lives in Porto' });
    expect(porto.structuredContent).toMatchObject({
      status: 'created',
      possible_updates: [{ id: lisbon.id, content: 'Anna lives in Lisbon', reason: 'same_category' }],
    });
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const faro = await remember(m, { content: 'Anna lives in Faro', supersedes: lisbon.id });
    expect(faro).toMatchObject({ status: 'created', supersedes: lisbon.id });
    const now = await recall(m, { query: 'Anna lives in Lisbon' });
    expect(now.results.map((r) => r.fact_id)).not.toContain(lisbon.id);
    const then = await recall(m, { query: 'Anna lives in Lisbon', as_of: before });
    expect(then.results[0]?.fact_id).toBe(lisbon.id);
    const refused = await m.call('remember', { content: 'Anna lives in Braga', supersedes: lisbon.id });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^BAD_INPUT: supersedes: fact \d+ was already superseded by fact \d+$/);
  });

  it('lists labels per space', async () => {
    const m = await start();
    await remember(m, { content: 'Miso the cat sleeps all day', label: 'pets' });
    await remember(m, { content: 'Rex the dog barks at the postman', label: 'pets' });
    await remember(m, { content: 'Sprint review on Thursday', label: 'work', space: 'agent-a' });

    const r = await m.call('list_labels', {});
    expect(r.isError).toBeFalsy();
    const { labels } = r.structuredContent as { labels: Label[] };
    expect(labels.map((l) => [l.name, l.fact_count])).toEqual([['pets', 2]]);
    expect(JSON.parse(textOf(r))).toEqual({ labels });

    const a = (await m.call('list_labels', { space: 'agent-a' })).structuredContent as { labels: Label[] };
    expect(a.labels.map((l) => l.name)).toEqual(['work']);
  });

  it('answers bad input with a BAD_INPUT tool error naming the field, and stores nothing', async () => {
    const m = await start();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['remember', { content: '   ' }, /^BAD_INPUT: content: content must not be empty/],
      ['remember', { content: 'Penguins live in Antarctica', confidence: 2 }, /^BAD_INPUT: confidence: /],
      ['remember', {}, /^BAD_INPUT: content: /],
      ['remember', { content: 'Penguins live in Antarctica', colour: 'blue' }, /^BAD_INPUT: .*colour/],
      ['remember', { content: 'Penguins live in Antarctica', space: '../etc' }, /^BAD_INPUT: space: /],
      ['recall', { query: '' }, /^BAD_INPUT: query: /],
      ['recall', { query: 'penguins', limit: 0 }, /^BAD_INPUT: limit: /],
      ['forget', { id: 'seven' }, /^BAD_INPUT: id: /],
      ['list_labels', { space: '' }, /^BAD_INPUT: space: /],
    ];
    for (const [tool, args, expected] of cases) {
      const r = await m.call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(r)).toMatch(expected);
    }
    // The server is still serving, and nothing was stored.
    expect((await recall(m, { query: 'penguins Antarctica' })).results).toEqual([]);
    await mcp!.close();
    mcp = null;
    expect(factCount(box.db)).toBe(0);
  });

  it('writes only protocol messages on stdout and exits cleanly when the client closes', async () => {
    const m = await start();
    await remember(m, { content: 'The plants need water on Sundays' });
    await recall(m, { query: 'plants water' });
    await m.close();
    mcp = null;
    await exited(m.pid);
    expect(m.errors).toEqual([]);
    expect(m.stderr()).toMatch(/hippo mcp: serving .* on stdio\n/);
    expect(m.stderr()).toMatch(/hippo mcp: stopped\n$/);
    // The database was closed cleanly and the fact is there for the next start.
    expect(factCount(box.db)).toBe(1);
  });
  it('shuts down cleanly on SIGTERM too', async () => {
    const m = await start();
    await remember(m, { content: 'The boiler is serviced every October' });
    process.kill(m.pid, 'SIGTERM');
    await exited(m.pid);
    expect(m.stderr()).toMatch(/hippo mcp: stopped\n$/);
    expect(factCount(box.db)).toBe(1);
  });
});

describe('hippo mcp without the embedding model', () => {
  it('remembers and recalls by words, saying mode "text-only"', async () => {
    box.cleanup();
    box = sandbox('none');
    const m = await start();
    const stored = (await m.call('remember', { content: 'The wifi password is on the fridge' }))
      .structuredContent as { id: number; mode: string };
    expect(stored.mode).toBe('text-only');
    const out = await recall(m, { query: 'wifi password' });
    expect(out.mode).toBe('text-only');
    expect(out.results[0]?.fact_id).toBe(stored.id);
  });
});

describe('hippo mcp with stdin closed right after the requests', () => {
  it('answers every request already received before it shuts down', async () => {
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'remember', arguments: { content: 'The spare key is under the blue pot' } },
      },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_labels', arguments: {} } },
    ];
    const r = await runBin(['mcp'], {
      env: box.env,
      stdin: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
    });
    expect(r.code).toBe(0);
    // stdout is protocol messages only: one JSON-RPC response a line.
    const responses = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; result?: { isError?: boolean } });
    expect(responses.map((m) => m.id).sort()).toEqual([1, 2, 3]);
    expect(responses.every((m) => m.result && !m.result.isError)).toBe(true);
    expect(r.stderr).toMatch(/hippo mcp: stopped\n$/);
    expect(factCount(box.db)).toBe(1);
  });
});
