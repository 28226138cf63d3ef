import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/renderer/src/api/http-client';
import {
  createImportStore,
  exportFileName,
  IMPORT_BATCH_BYTES,
  importBatches,
  type ImportExportState,
} from '../../../src/renderer/src/store/import-store';
import type { ExportedFact } from '../../../src/shared/contract';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatFromFileName, parseImport } from '../../../src/shared/import-formats';
import { IMPORT_BATCH_MAX } from '../../../src/shared/ipc-contract';
import { startTestServer, type TestServer } from '../../integration/server/server-harness';
import { distinctFacts } from './import-fixtures';

describe('import batches, file names and formats', () => {
  it('cuts records into batches of at most 500 records and 400 KB of JSON, in order', () => {
    const short = Array.from({ length: 1201 }, (_, i) => ({ content: `fact ${i}` }));
    const batches = importBatches(short);
    expect(batches.map((b) => b.length)).toEqual([IMPORT_BATCH_MAX, IMPORT_BATCH_MAX, 201]);
    expect(batches.flat()).toEqual(short);

    // 2,000 characters of two-byte letters: about 4 KB of JSON each, so ~100 a batch, not 500.
    const long = Array.from({ length: 300 }, (_, i) => ({ content: `${i} ${'é'.repeat(2000)}` }));
    const cut = importBatches(long);
    expect(cut.length).toBeGreaterThan(2);
    for (const b of cut)
      expect(new TextEncoder().encode(JSON.stringify(b)).length).toBeLessThanOrEqual(IMPORT_BATCH_BYTES);
    expect(cut.flat()).toEqual(long);

    // One record bigger than a batch may be still travels (alone); the server judges it.
    const huge = { content: 'z'.repeat(IMPORT_BATCH_BYTES) };
    expect(importBatches([{ content: 'a' }, huge, { content: 'b' }]).map((b) => b.length)).toEqual([1, 1, 1]);
    expect(importBatches([])).toEqual([]);
  });

  it('names the export by the local date and tells a format by the file name alone', () => {
    expect(exportFileName(new Date(2026, 0, 5, 23, 59))).toBe('hippo-export-2026-01-05.jsonl');
    expect(formatFromFileName('notes.TXT')).toBe('text');
    expect(formatFromFileName('C:\\Users\\me\\list.Markdown')).toBe('markdown');
    expect(formatFromFileName('/home/me/export.ndjson')).toBe('jsonl');
    expect(formatFromFileName('a.md')).toBe('markdown');
    expect(formatFromFileName('.jsonl')).toBeNull();
    expect(formatFromFileName('data.csv')).toBeNull();
    expect(formatFromFileName('README')).toBeNull();
  });
});

/** The import/export panel's store over the real HTTP client, server and database. */
describe('the import store', () => {
  let t: TestServer;
  const live = () =>
    (
      t.mem.memory.db.prepare('SELECT count(*) AS n FROM facts WHERE deleted_at IS NULL').get() as {
        n: number;
      }
    ).n;
  const connect = (opts: Parameters<typeof createImportStore>[1] = {}) => {
    const base = t.server.url;
    return createImportStore(
      createHttpClient(t.server.token, (input, init) => fetch(`${base}${String(input)}`, init)),
      opts,
    );
  };
  /** Every `done` the store passes through, as a progress bar would show it. */
  const track = (store: ReturnType<typeof connect>) => {
    const seen: number[] = [];
    store.subscribe((s: ImportExportState) => {
      if (s.done !== seen.at(-1)) seen.push(s.done);
    });
    return seen;
  };

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    t.mem.memory.db.exec('DELETE FROM facts');
  });

  it('imports a text file in batches with progress, counts duplicates, and undoes into the Trash', async () => {
    const kept = await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
    const facts = distinctFacts(1200, 'note ');
    let changes = 0;
    const store = connect({ onChange: () => changes++ });
    const seen = track(store);
    await store.getState().importText('notes.txt', [...facts, 'Priya lives in Toronto'].join('\n'));
    expect(store.getState()).toMatchObject({
      phase: 'done',
      format: 'text',
      total: 1201,
      done: 1201,
      counts: { created: 1200, duplicate: 1, merged: 0 },
      message:
        'Imported 1201 facts from “notes.txt”: 1200 new, 1 already known, 0 merged into facts they repeat.',
    });
    expect(seen).toEqual([0, 500, 1000, 1201]);
    expect(changes).toBe(3);
    expect(live()).toBe(1201);
    expect(store.getState().createdIds).toHaveLength(1200);

    const undoSeen: number[] = [];
    store.subscribe((s) => s.undo && undoSeen.push(s.undo.done));
    await store.getState().undoImport();
    expect(store.getState().undo).toEqual({
      state: 'done',
      done: 1200,
      total: 1200,
      message: 'Import undone: the 1200 facts it created are in the Trash.',
    });
    expect(undoSeen.some((n) => n > 0 && n < 1200)).toBe(true);
    expect(live()).toBe(1);
    expect(t.mem.memory.get(kept.id).deleted_at).toBeNull();
    const trashed = t.mem.memory.db
      .prepare('SELECT count(*) AS n FROM facts WHERE deleted_at IS NOT NULL')
      .get();
    expect(trashed).toEqual({ n: 1200 });
    expect(store.getState().createdIds).toEqual([]);
  });

  it('refuses a file with bad lines whole, naming each line as hippo import does', async () => {
    await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
    const before = t.snapshot();
    const text = [
      '{"content": "Sam drinks tea"}',
      '{"content": ""}',
      'not json',
      '',
      '{"content": "ok", "confidence": 3}',
      '["an array"]',
      '{"content": "x", "colour": "red"}',
    ].join('\n');
    const store = connect();
    await store.getState().importText('facts.jsonl', text);
    const state = store.getState();
    expect(state.phase).toBe('invalid');
    expect(state.lineErrors).toEqual(parseImport(text, 'jsonl').errors);
    expect(state.lineErrors.map((e) => e.line)).toEqual([2, 3, 5, 6, 7]);
    expect(state.lineErrors[0]!.message).toBe('content: content must not be empty');
    expect(state.lineErrors[4]!.message).toBe('unknown field(s): colour');
    expect(state.message).toBe(
      'Nothing was imported: 5 lines of “facts.jsonl” are not valid. Fix them and import the file again.',
    );
    expect(t.snapshot()).toBe(before);

    await store.getState().importText('facts.csv', 'a,b\n');
    expect(store.getState()).toMatchObject({ phase: 'invalid', lineErrors: [] });
    expect(store.getState().message).toMatch(/cannot tell the format of “facts.csv”/);
    await store.getState().importText('empty.md', '# Only a heading\n\nprose\n');
    expect(store.getState().message).toBe('“empty.md” holds no facts to import.');
    expect(t.snapshot()).toBe(before);
  });

  it('imports ChatGPT and Claude exports and chat JSONL, told apart by content, as hippo import does', async () => {
    const fixtures = path.resolve(__dirname, '../../fixtures/imports');
    const store = connect();
    for (const [file, name, count] of [
      ['chatgpt-conversations.json', 'conversations.json', 5],
      ['claude-conversations.json', 'conversations.json', 3],
      ['chat.jsonl', 'chat.jsonl', 4],
    ] as const) {
      await store.getState().importText(name, readFileSync(path.join(fixtures, file), 'utf8'));
      expect(store.getState()).toMatchObject({ phase: 'done', total: count, counts: { created: count } });
    }
    expect(store.getState().format).toBe('chat');
    const stored = t.mem.memory.list({ limit: 100 }).facts;
    expect(stored.find((f) => f.content === 'ChatGPT: How about Clint Yeastwood?')).toMatchObject({
      source: 'chatgpt:Sourdough starter (c0ffee00-0000-4000-8000-000000000001)',
      created_at: new Date(1717000010250).toISOString(),
    });
    expect(stored.find((f) => f.content.startsWith('Claude: '))?.source).toBe(
      'claude:Bike maintenance (5e1f0000-0000-4000-8000-00000000000a)',
    );

    // A bad conversation: refused whole, the error naming conversation, message and field.
    const before = t.snapshot();
    const bad = JSON.stringify([
      { name: 'Trip', chat_messages: [{ uuid: 'm1', sender: 'robot', text: 'hi' }] },
    ]);
    await store.getState().importText('conversations.json', bad);
    expect(store.getState()).toMatchObject({
      phase: 'invalid',
      lineErrors: [
        {
          line: 1,
          at: 'conversation 1 ("Trip"), message m1',
          message: 'sender: must be "human" or "assistant", got "robot"',
        },
      ],
      message:
        'Nothing was imported: 1 record of “conversations.json” is not valid. Fix it and import the file again.',
    });
    await store.getState().importText('data.json', '[{"x": 1}]');
    expect(store.getState().message).toMatch(
      /a \.json file must be ChatGPT’s or Claude’s conversations\.json/,
    );
    expect(t.snapshot()).toBe(before);
  });

  it('stops after the batch in flight when cancelled, and says how many were imported', async () => {
    const store = connect();
    store.subscribe((s) => {
      if (s.done === 500 && !s.cancelling && s.phase === 'importing') s.cancel();
    });
    await store.getState().importText(
      'many.md',
      distinctFacts(1500, 'item ')
        .map((f) => `- ${f}`)
        .join('\n'),
    );
    expect(store.getState()).toMatchObject({ phase: 'cancelled', done: 500, total: 1500, cancelling: false });
    expect(store.getState().message).toBe(
      'Import cancelled: 500 of 1500 facts were imported (500 new, 0 already known, 0 merged into facts they repeat). Importing the file again adds the rest.',
    );
    expect(live()).toBe(500);
    // The part imported can still be undone.
    await store.getState().undoImport();
    expect(live()).toBe(0);
  });

  it('sends long facts in batches the HTTP API accepts (under its 1 MB body limit)', async () => {
    // 300 facts of ~6 KB: 1.8 MB in all, so one request would be refused.
    const records: ExportedFact[] = distinctFacts(300, 'long ').map((f) => ({
      content: Array.from({ length: 200 }, () => f).join(' '),
      category: 'archive',
    }));
    const store = connect();
    await store.getState().importText('long.jsonl', records.map((r) => JSON.stringify(r)).join('\n'));
    expect(store.getState()).toMatchObject({ phase: 'done', counts: { created: 300 } });
    expect(live()).toBe(300);
  });

  it('exports every live fact as JSONL that imports back, forgotten ones on request', async () => {
    await t.mem.memory.encode({ content: 'Priya lives in Toronto', label: 'friends', confidence: 0.7 });
    const gone = await t.mem.memory.encode({ content: 'The old wifi password was hunter2' });
    t.mem.memory.forget(gone.id);
    const store = connect({ now: () => new Date(2026, 10, 27) });
    const out = await store.getState().exportFacts(false);
    expect(out).toMatchObject({ count: 1, fileName: 'hippo-export-2026-11-27.jsonl' });
    expect(parseImport(out!.jsonl, 'jsonl')).toMatchObject({
      errors: [],
      records: [{ record: { content: 'Priya lives in Toronto', label: 'friends', confidence: 0.7 } }],
    });
    expect(store.getState().exportMessage).toBe('Exported 1 fact to hippo-export-2026-11-27.jsonl.');
    const all = await store.getState().exportFacts(true);
    expect(all!.count).toBe(2);
    expect(store.getState().exportMessage).toBe(
      'Exported 2 facts (forgotten ones included) to hippo-export-2026-11-27.jsonl.',
    );

    // Round trip: the export imports into an empty memory as the same facts.
    t.mem.memory.db.exec('DELETE FROM facts');
    await store.getState().importText(all!.fileName, all!.jsonl);
    expect(store.getState()).toMatchObject({ phase: 'done', counts: { created: 2 } });
    const again = await store.getState().exportFacts(true);
    expect(again!.jsonl).toBe(all!.jsonl);
  });
});

describe('an import the memory stops answering halfway', () => {
  it('says how many facts were imported before the failure, and keeps them undoable', async () => {
    const t = await startTestServer();
    try {
      const base = t.server.url;
      const store = createImportStore(
        createHttpClient(t.server.token, (input, init) => fetch(`${base}${String(input)}`, init)),
      );
      let closing: Promise<void> | undefined;
      store.subscribe((s) => {
        if (s.done === 500 && !closing) closing = t.server.close();
      });
      await store.getState().importText('halfway.txt', distinctFacts(1500, 'halfway ').join('\n'));
      await closing;
      const state = store.getState();
      expect(state).toMatchObject({ phase: 'failed', done: 500, total: 1500 });
      expect(state.message).toMatch(/\(500 of 1500 facts were imported before this; the rest was not\)\.$/);
      expect(state.createdIds).toHaveLength(500);
      expect(t.mem.memory.list().total).toBe(500);
    } finally {
      await t.mem.close();
    }
  });
});
