import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fact, Label, ListResult, Stats } from '../../../src/shared/contract';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;
let ids: number[];

beforeEach(async () => {
  box = sandbox('none');
  const file = path.join(box.dir, 'seed.jsonl');
  const seed = [
    {
      content: 'Alpha fact about gardening',
      category: 'home',
      label: 'garden',
      created_at: '2022-01-01T00:00:00.000Z',
    },
    {
      content: 'Beta fact about tomatoes',
      category: 'home',
      label: 'garden',
      confidence: 0.5,
      created_at: '2022-01-02T00:00:00.000Z',
    },
    { content: 'Gamma fact about the office', category: 'work', created_at: '2022-01-03T00:00:00.000Z' },
  ];
  writeFileSync(file, seed.map((s) => JSON.stringify(s)).join('\n'));
  expect((await runCli(['import', file], { env: box.env })).code).toBe(0);
  ids = json<ListResult>(await runCli(['list', '--json'], { env: box.env }))
    .facts.map((f) => f.id)
    .sort((a, b) => a - b);
});
afterEach(() => box.cleanup());

describe('hippo list', () => {
  it('prints the ListResult as JSON with filters and paging', async () => {
    const all = json<ListResult>(await runCli(['list', '--json'], { env: box.env }));
    expect(all).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.facts.map((f) => f.content)).toEqual([
      'Gamma fact about the office',
      'Beta fact about tomatoes',
      'Alpha fact about gardening',
    ]);
    const page = json<ListResult>(
      await runCli(['list', '--json', '--limit', '1', '--offset', '1'], { env: box.env }),
    );
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.facts.map((f) => f.content)).toEqual(['Beta fact about tomatoes']);
    const garden = json<ListResult>(
      await runCli(['list', '--json', '--label', 'garden', '--min-confidence', '0.9'], { env: box.env }),
    );
    expect(garden.facts.map((f) => f.content)).toEqual(['Alpha fact about gardening']);
    const work = json<ListResult>(await runCli(['list', '--json', '-c', 'work'], { env: box.env }));
    expect(work.total).toBe(1);
  });

  it('prints one line a fact with a paging footer', async () => {
    const r = await runCli(['list', '--limit', '2'], { env: box.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `#${ids[2]}  2022-01-03  Gamma fact about the office  [work · no label]`,
        `#${ids[1]}  2022-01-02  Beta fact about tomatoes  [home · garden]`,
        '(1-2 of 3; --offset 2 for more)',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 for bad paging values', async () => {
    for (const args of [
      ['--limit', '0'],
      ['--limit', '1001'],
      ['--offset', '-1'],
      ['--deleted', 'all'],
      ['--limit', '2.5'],
    ]) {
      const r = await runCli(['list', ...args], { env: box.env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^hippo list: BAD_INPUT: .+\n$/);
    }
  });
});

describe('hippo labels', () => {
  it('lists labels with fact counts', async () => {
    const labels = json<Label[]>(await runCli(['labels', '--json'], { env: box.env }));
    expect(labels.map((l) => [l.name, l.fact_count])).toEqual([['garden', 2]]);
    const text = await runCli(['labels'], { env: box.env });
    expect(text.stdout).toMatch(/^garden {2}\(2 facts; /);
  });
});

describe('hippo forget / restore', () => {
  it('forgets (out of list and recall), restores, and prints the fact', async () => {
    const id = ids[0]!;
    const f = await runCli(['forget', String(id), '--json'], { env: box.env });
    expect(f.code).toBe(0);
    expect(json<Fact>(f)).toMatchObject({ id, deleted_at: expect.any(String) });
    expect(json<ListResult>(await runCli(['list', '--json'], { env: box.env })).total).toBe(2);
    expect(
      json<ListResult>(await runCli(['list', '--json', '--deleted', 'only'], { env: box.env })).facts.map(
        (x) => x.id,
      ),
    ).toEqual([id]);
    const recall = await runCli(['recall', 'gardening', '--json'], { env: box.env });
    expect(json<{ results: unknown[] }>(recall).results).toEqual([]);
    // Forgetting twice is fine and changes nothing.
    expect((await runCli(['forget', String(id)], { env: box.env })).code).toBe(0);

    const text = await runCli(['restore', String(id)], { env: box.env });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `Restored #${id}\n#${id}  2022-01-01  Alpha fact about gardening  [home · garden]\n`,
    );
    expect(json<ListResult>(await runCli(['list', '--json'], { env: box.env })).total).toBe(3);
  });

  it('exits 2 for an unknown id, a malformed id, or a missing id', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['forget', '999'], /^hippo forget: NOT_FOUND: no fact with id 999 in space "personal"\n$/],
      [['restore', '999'], /^hippo restore: NOT_FOUND: /],
      [['forget', 'abc'], /^hippo forget: BAD_INPUT: ID must be a positive whole number, got "abc"\n$/],
      [['forget', '0'], /^hippo forget: BAD_INPUT: /],
      [['forget', '1.5'], /^hippo forget: BAD_INPUT: /],
      [['forget'], /^hippo forget: BAD_INPUT: missing required argument 'id'\n$/],
      [
        ['--space', 'other', 'forget', String(ids[0])],
        /^hippo forget: NOT_FOUND: no fact with id \d+ in space "other"\n$/,
      ],
    ];
    for (const [args, err] of cases) {
      const r = await runCli(args, { env: box.env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(err);
      expect(r.stdout).toBe('');
    }
  });
});

describe('hippo stats', () => {
  it('prints the Stats object', async () => {
    await runCli(['forget', String(ids[2])], { env: box.env });
    const r = await runCli(['stats', '--json'], { env: box.env });
    expect(r.code).toBe(0);
    const stats = json<Stats>(r);
    expect(stats).toMatchObject({
      space: 'personal',
      facts: 2,
      deleted: 1,
      labels: 1,
      categories: { home: 2 },
      pending_embeddings: 3,
      mode: 'text-only',
      model: null,
      db_path: box.db,
    });
    const text = await runCli(['stats'], { env: box.env });
    expect(text.stdout).toContain('facts:      2 (1 forgotten)');
    expect(text.stdout).toContain('mode:       text-only');
  });
});

describe('exit codes and global options', () => {
  it('--help and --version exit 0 on stdout; no command or an unknown one exits 2', async () => {
    const help = await runCli(['--help'], { env: box.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: hippo [options] [command]');
    expect(help.stdout).toContain('Exit codes:');
    const sub = await runCli(['recall', '--help'], { env: box.env });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--batch <file>');
    const version = await runCli(['--version'], { env: box.env });
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    const none = await runCli([], { env: box.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: hippo');
    const unknown = await runCli(['remember', 'x'], { env: box.env });
    expect(unknown).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "hippo: BAD_INPUT: unknown command 'remember'\n",
    });
    const extra = await runCli(['list', 'extra'], { env: box.env });
    expect(extra.code).toBe(2);
  });

  it('--db beats HIPPO_DB; HIPPO_HOME gives the default database', async () => {
    const other = path.join(box.dir, 'other.db');
    expect((await runCli(['--db', other, 'encode', 'Only in the other db'], { env: box.env })).code).toBe(0);
    expect(json<ListResult>(await runCli(['list', '--json', '--db', other], { env: box.env })).total).toBe(1);
    expect(json<ListResult>(await runCli(['list', '--json'], { env: box.env })).total).toBe(3);
    const { HIPPO_DB: _db, ...noDbEnv } = box.env;
    expect((await runCli(['encode', 'In the home db'], { env: noDbEnv })).code).toBe(0);
    const stats = json<Stats>(await runCli(['stats', '--json'], { env: noDbEnv }));
    expect(stats.db_path).toBe(path.join(box.env.HIPPO_HOME, 'hippo.db'));
    expect(stats.facts).toBe(1);
  });

  it('exits 1 when the database cannot be opened', async () => {
    const folder = path.join(box.dir, 'a-folder');
    mkdirSync(folder);
    const r = await runCli(['list', '--db', folder], { env: box.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hippo list: DB_ERROR: .+\n$/);
    const garbage = path.join(box.dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a sqlite database, just some bytes '.repeat(100));
    const g = await runCli(['stats', '--db', garbage], { env: box.env });
    expect(g.code).toBe(1);
    expect(g.stderr.trim().split('\n')).toHaveLength(1);
  });
});
