import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderImportOutput, ImportOutput } from '../../../src/cli/import-command';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import type { Label, ListResult, Stats } from '../../../src/shared/contract';
import { json, runCli, sandbox, type Sandbox } from '../cli/cli-harness';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

let box: Sandbox;
let server: PgTestServer;

beforeAll(async () => {
  box = sandbox('lexical');
  server = await startPgServer();
});

afterAll(async () => {
  await server?.close();
  box?.cleanup();
});

/** The same command line against the sandbox's SQLite file and against Postgres. */
const both = async (args: string[], env: Record<string, string> = box.env) => ({
  sqlite: await runCli(args, { env }),
  pg: await runCli([...args, '--store', 'postgres', '--pg', server.url], { env }),
});

async function pgCount(space: string): Promise<number> {
  const store = await PostgresStore.open({ url: server.url, embedder: null });
  try {
    const r = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM facts WHERE space = $1', [
      space,
    ]);
    return r.rows[0]!.n;
  } finally {
    await store.close();
  }
}

describe('hippo labels / list --store postgres', () => {
  it('give the same answers as SQLite after the same encodes and forgets', async () => {
    const space = ['--space', 'same'];
    for (const [content, label] of [
      ['Pay the water bill by the 10th', 'Bills'],
      ['Electricity bill comes from Ecopower', 'bills'],
      ['Tomatoes need water every day', 'Garden'],
      ['The gas meter is in the garage', 'House'],
    ] as const) {
      const r = await both([...space, 'encode', content, '--label', label, '--json']);
      expect(r.pg.code, r.pg.stderr).toBe(0);
      expect(json(r.pg)).toEqual(json(r.sqlite));
    }
    const forgot = await both([...space, 'forget', '4']);
    expect(forgot.pg.code).toBe(0);

    const labels = await both([...space, 'labels', '--json']);
    expect(labels.pg.code).toBe(0);
    const strip = (ls: Label[]) => ls.map(({ created_at: _t, ...l }) => l);
    expect(strip(json<Label[]>(labels.pg))).toEqual(strip(json<Label[]>(labels.sqlite)));
    expect(json<Label[]>(labels.pg).map((l) => [l.name, l.fact_count])).toEqual([
      ['Bills', 2],
      ['Garden', 1],
      ['House', 0],
    ]);
    const text = await both([...space, 'labels']);
    expect(text.pg.stdout).toBe(text.sqlite.stdout);

    const list = await both([...space, 'list', '--deleted', 'include', '--json']);
    const facts = (r: ListResult) =>
      r.facts.map((f) => [f.id, f.content, f.label, f.category, f.deleted_at === null]);
    expect(facts(json<ListResult>(list.pg))).toEqual(facts(json<ListResult>(list.sqlite)));
  });
});

describe('hippo labels history --store postgres', () => {
  it("shows a Postgres label's earlier names, as for SQLite", async () => {
    const space = ['--space', 'hist'];
    const r = await both([...space, 'encode', 'Pay the water bill', '--label', 'bills', '--json']);
    expect(r.pg.code, r.pg.stderr).toBe(0);
    const store = await PostgresStore.open({ url: server.url, embedder: null, space: 'hist' });
    try {
      const [label] = await store.labelsList();
      await store.renameLabel(label!.id, 'Money');
    } finally {
      await store.close();
    }
    const hist = await runCli(
      [...space, 'labels', 'history', 'money', '--store', 'postgres', '--pg', server.url, '--json'],
      {
        env: box.env,
      },
    );
    expect(hist.code, hist.stderr).toBe(0);
    expect(json<Array<{ name: string; reason: string }>>(hist)).toMatchObject([
      { name: 'bills', reason: 'renamed' },
    ]);
    // The SQLite file never saw the rename.
    const local = await runCli([...space, 'labels', 'history', 'money'], { env: box.env });
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/NOT_FOUND: no label called "money" in space "hist"/);
  });
});

describe('hippo import / export --store postgres', () => {
  it('an import with one bad line stores nothing; a good one stores every line', async () => {
    const file = path.join(box.dir, 'facts.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ content: 'Passport expires in 2031', category: 'documents', label: 'Papers' }),
        JSON.stringify({ content: 'Bad line', confidence: 7 }),
        JSON.stringify({ content: 'The gym locker is 17' }),
      ].join('\n'),
    );
    const bad = await runCli(['--space', 'imp', 'import', file, '--store', 'postgres', '--pg', server.url], {
      env: box.env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/line 2: .*confidence.*nothing was imported/);
    expect(await pgCount('imp')).toBe(0);

    writeFileSync(
      file,
      [
        JSON.stringify({ content: 'Passport expires in 2031', category: 'documents', label: 'Papers' }),
        JSON.stringify({ content: 'The gym locker is 17', created_at: '2023-05-06T07:08:09.000Z' }),
      ].join('\n'),
    );
    const good = await runCli(
      ['--space', 'imp', 'import', file, '--store', 'postgres', '--pg', server.url, '--json'],
      { env: box.env },
    );
    expect(good.code, good.stderr).toBe(0);
    expect(json<ImportOutput>(good)).toEqual({
      created: 2,
      duplicate: 0,
      merged: 0,
      failed: 0,
      mode: 'hybrid',
    });
    expect(await pgCount('imp')).toBe(2);
  });

  it('an export from Postgres, imported into SQLite, gives the same facts', async () => {
    const env = { ...box.env, HIPPO_PG_URL: server.url };
    const space = ['--space', 'roundtrip'];
    const ids: number[] = [];
    for (const args of [
      ['encode', 'My sister lives in Lisbon', '--category', 'family', '--label', 'People'],
      ['encode', 'Running shoes are size 43', '--confidence', '0.8', '--source', 'receipt'],
      ['encode', 'The old bike lock code was 1234'],
    ])
      ids.push(
        json<{ id: number }>(await runCli([...space, ...args, '--store', 'postgres', '--json'], { env })).id,
      );
    // Ids are the Postgres's own, shared by every space there.
    const forgot = await runCli([...space, 'forget', String(ids[2]), '--store', 'postgres'], { env });
    expect(forgot.code, forgot.stderr).toBe(0);

    const exported = await runCli([...space, 'export', '--store', 'postgres'], { env });
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[2]!)).toMatchObject({
      content: 'The old bike lock code was 1234',
      deleted_at: expect.any(String),
    });

    const file = path.join(box.dir, 'from-pg.jsonl');
    const toFile = await runCli([...space, 'export', file, '--store', 'postgres'], { env });
    expect(toFile.stderr).toBe(`Exported 3 facts to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(exported.stdout);

    const fresh = sandbox('lexical');
    try {
      const imported = await runCli([...space, 'import', file, '--json'], { env: fresh.env });
      expect(json<ImportOutput>(imported)).toMatchObject({ created: 3, failed: 0 });
      const again = await runCli([...space, 'export'], { env: fresh.env });
      expect(again.stdout).toBe(exported.stdout);
      // The SQLite file that import filled and the Postgres hold the same facts.
      const listed = await both([...space, 'list', '--deleted', 'include', '--json'], fresh.env);
      const seen = (r: ListResult) => r.facts.map(({ id: _i, ...f }) => f);
      expect(seen(json<ListResult>(listed.sqlite))).toEqual(seen(json<ListResult>(listed.pg)));
    } finally {
      fresh.cleanup();
    }
  });
});

describe('facts stored while the model was missing', () => {
  it('are embedded by the next command that loads the model, as with SQLite', async () => {
    const offline = sandbox('none');
    try {
      const args = [
        '--space',
        'later',
        'encode',
        'Grandma birthday is the ninth of May',
        '--store',
        'postgres',
        '--pg',
        server.url,
        '--json',
      ];
      const enc = await runCli(args, { env: offline.env });
      expect(json(enc)).toMatchObject({ status: 'created', mode: 'text-only' });
      const stats = async () =>
        json<Stats>(
          await runCli(['--space', 'later', 'stats', '--store', 'postgres', '--pg', server.url, '--json'], {
            env: box.env,
          }),
        );
      expect((await stats()).pending_embeddings).toBe(1);
      const rec = await runCli(
        ['--space', 'later', 'recall', 'birthday', '--store', 'postgres', '--pg', server.url, '--json'],
        {
          env: box.env,
        },
      );
      expect(rec.code).toBe(0);
      expect((await stats()).pending_embeddings).toBe(0);
      // Without the model nothing is embedded, and nothing breaks.
      expect(existsSync(offline.db)).toBe(false);
    } finally {
      offline.cleanup();
    }
  });
});

describe('hippo import <folder> --store postgres', () => {
  it('imports a notes folder and updates it on re-import exactly as SQLite does', async () => {
    const vault = path.join(box.dir, 'Notes');
    cpSync(path.join(__dirname, '../../fixtures/imports/vault'), vault, { recursive: true });
    const space = ['--space', 'vault'];
    const summary = (r: { stdout: string }) => {
      const { mode: _m, ...rest } = json<FolderImportOutput>(r as never);
      return rest;
    };
    const first = await both([...space, 'import', vault, '--json']);
    expect(first.pg.code, first.pg.stderr).toBe(0);
    expect(summary(first.pg)).toEqual(summary(first.sqlite));
    expect(summary(first.pg)).toMatchObject({ files: 3, created: 10 });

    const home = path.join(vault, 'Home.md');
    writeFileSync(
      home,
      readFileSync(home, 'utf8')
        .replace('ends in October', 'ends in November')
        .replace('The boiler was serviced by Nordheat in March 2024.\n', ''),
    );
    const again = await both([...space, 'import', vault, '--json']);
    expect(again.pg.code, again.pg.stderr).toBe(0);
    expect(summary(again.pg)).toEqual({
      files: 3,
      created: 0,
      updated: 1,
      duplicate: 8,
      merged: 0,
      forgotten: 1,
      failed: 0,
    });
    expect(summary(again.sqlite)).toEqual(summary(again.pg));

    const list = await both([...space, 'list', '--deleted', 'include', '--json']);
    const facts = (r: ListResult) =>
      r.facts
        .map((f) => [f.content, f.source, f.created_at, f.deleted_at === null])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(facts(json<ListResult>(list.pg))).toEqual(facts(json<ListResult>(list.sqlite)));
  });
});
