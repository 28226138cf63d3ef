import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import type { SearchResult } from '../../../src/shared/contract';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;

beforeAll(async () => {
  box = sandbox('lexical');
  const facts = [
    { content: 'I drink green tea every morning', category: 'habits', label: 'drinks' },
    { content: 'My sister lives in Lisbon', category: 'family' },
    { content: 'The dentist appointment is on Friday at noon', category: 'calendar', confidence: 0.6 },
    { content: 'Rust borrow checker prevents data races', category: 'work', label: 'rust' },
    { content: 'Espresso with oat milk is my afternoon coffee', category: 'habits', label: 'drinks' },
  ];
  const file = path.join(box.dir, 'seed.jsonl');
  writeFileSync(file, facts.map((f) => JSON.stringify(f)).join('\n'));
  const r = await runCli(['import', file], { env: box.env });
  expect(r.code).toBe(0);
});

afterAll(() => box.cleanup());

describe('hippo encode', () => {
  it('stores TEXT from the arguments and prints JSON with the mode', async () => {
    const r = await runCli(
      [
        'encode',
        'Pasta',
        'night',
        'is',
        'Thursday',
        '--category',
        'food',
        '--label',
        'meals',
        '--confidence',
        '0.8',
        '--source',
        'chat',
        '--json',
      ],
      { env: box.env },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = json<EncodeOutput>(r);
    expect(out).toEqual({ id: expect.any(Number), status: 'created', label: 'meals', mode: 'hybrid' });

    const listed = json<{ facts: Array<Record<string, unknown>> }>(
      await runCli(['list', '--category', 'food', '--json'], { env: box.env }),
    );
    expect(listed.facts[0]).toMatchObject({
      id: out.id,
      content: 'Pasta night is Thursday',
      category: 'food',
      label: 'meals',
      confidence: 0.8,
      source: 'chat',
    });
  });

  it('reads the fact from stdin when TEXT is absent or "-", without the trailing newline', async () => {
    const a = await runCli(['encode', '--json'], {
      env: box.env,
      stdin: 'Kiwi fruit is rich in vitamin C\n',
    });
    expect(a.code).toBe(0);
    const b = await runCli(['encode', '-'], { env: box.env, stdin: 'Kiwi fruit is rich in vitamin C\r\n' });
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(`Already known as #${json<EncodeOutput>(a).id}; nothing new stored\n`);
    const listed = json<{ facts: Array<{ content: string }> }>(
      await runCli(['list', '--json'], { env: box.env }),
    );
    expect(listed.facts.map((f) => f.content)).toContain('Kiwi fruit is rich in vitamin C');
  });

  it('prints a short human line without --json', async () => {
    const r = await runCli(['encode', 'Umbrellas belong in the hall closet'], { env: box.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Remembered #\d+( \(label: .+\))?\n$/);
    expect(r.stderr).toBe('');
  });

  it('exits 2 with one stderr line on bad input and writes nothing', async () => {
    const before = json<{ total: number }>(await runCli(['list', '--json'], { env: box.env })).total;
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['encode', '--json'], '   \n', /^hippo encode: BAD_INPUT: content: content must not be empty\n$/],
      [
        ['encode', 'x', '--confidence', '1.5'],
        undefined,
        /^hippo encode: BAD_INPUT: confidence: confidence must be between 0 and 1\n$/,
      ],
      [
        ['encode', 'x', '--confidence', 'high'],
        undefined,
        /^hippo encode: BAD_INPUT: .*--confidence.*'high' is invalid/,
      ],
      [
        ['encode', 'x', '--category', ''],
        undefined,
        /^hippo encode: BAD_INPUT: category: category must not be empty\n$/,
      ],
      [['encode', 'x', '--nope'], undefined, /^hippo encode: BAD_INPUT: unknown option '--nope'\n$/],
      [
        ['encode', 'y'.repeat(50_001)],
        undefined,
        /^hippo encode: BAD_INPUT: content: content must be at most 50000 characters\n$/,
      ],
    ];
    for (const [args, stdin, err] of cases) {
      const r = await runCli(args, { env: box.env, stdin });
      expect(r.code, args.join(' ').slice(0, 60)).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(err);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const tty = await runCli(['encode'], { env: box.env, stdinIsTTY: true });
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('TEXT is missing');
    expect(json<{ total: number }>(await runCli(['list', '--json'], { env: box.env })).total).toBe(before);
  });
});

describe('hippo recall', () => {
  it('ranks by meaning and words, with JSON {mode, results}', async () => {
    const r = await runCli(['recall', 'green', 'tea', '--json'], { env: box.env });
    expect(r.code).toBe(0);
    const out = json<RecallOutput>(r);
    expect(out.mode).toBe('hybrid');
    expect(out.results[0]).toMatchObject({
      content: 'I drink green tea every morning',
      category: 'habits',
      label_name: 'drinks',
    });
    expect(out.results[0]!.similarity).toEqual(expect.any(Number));
    const scores = out.results.map((x) => x.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('prints rank, similarity, content and [category · label · #id] on a terminal-friendly line', async () => {
    const r = await runCli(['recall', 'green tea', '--limit', '1'], { env: box.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^ 1\. \d\.\d{3} {2}I drink green tea every morning {2}\[habits · drinks · #\d+\]\n$/,
    );
  });

  it('applies --limit, --category, --label and --min-confidence', async () => {
    const get = async (...args: string[]) =>
      json<RecallOutput>(await runCli(['recall', ...args, '--json'], { env: box.env })).results;
    expect(await get('tea coffee morning', '--limit', '2')).toHaveLength(2);
    const habits = await get('tea coffee morning', '--category', 'habits');
    expect(habits.length).toBeGreaterThan(0);
    expect(habits.every((x) => x.category === 'habits')).toBe(true);
    const rust = await get('borrow checker', '--label', 'rust');
    expect(rust.map((x) => x.label_name)).toEqual(['rust']);
    expect(await get('dentist Friday', '--label', 'no-such-label')).toEqual([]);
    const sure = await get('dentist appointment Friday', '--min-confidence', '0.9');
    expect(sure.some((x) => x.content.includes('dentist'))).toBe(false);
  });

  it('survives hostile queries: FTS syntax, SQL, quotes, emoji, control characters', async () => {
    const hostile = [
      '"unbalanced',
      'tea" OR "x',
      "'; DROP TABLE facts; --",
      'NEAR(tea coffee, 2)',
      'tea AND NOT coffee OR *',
      'content:tea',
      '^tea* -coffee',
      '🍵🍵🍵',
      'tea\u0000coffee\u0007',
      '%_\\',
      '()',
    ];
    // Through --batch (one model load for all), then two of them as plain arguments.
    const file = path.join(box.dir, 'hostile.jsonl');
    writeFileSync(file, hostile.map((query) => JSON.stringify({ query })).join('\n'));
    const batch = await runCli(['recall', '--batch', file], { env: box.env });
    expect(batch.code).toBe(0);
    const lines = batch.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(hostile.length);
    for (const line of lines) expect(Array.isArray(JSON.parse(line))).toBe(true);
    for (const q of [hostile[1]!, hostile[2]!]) {
      const r = await runCli(['recall', '--json', '--', q], { env: box.env });
      expect(r.code, q).toBe(0);
      expect(Array.isArray(json<RecallOutput>(r).results)).toBe(true);
    }
    const stats = json<{ facts: number }>(await runCli(['stats', '--json'], { env: box.env }));
    expect(stats.facts).toBeGreaterThanOrEqual(5);
  });

  it('exits 2 for an empty, blank, over-long or missing query', async () => {
    for (const args of [
      ['recall', ''],
      ['recall', '   '],
      ['recall', 'q'.repeat(10_001)],
      ['recall'],
      ['recall', 'x', '--limit', '0'],
      ['recall', 'x', '--limit', 'ten'],
    ]) {
      const r = await runCli(args, { env: box.env });
      expect(r.code, args.join(' ').slice(0, 40)).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^hippo recall: BAD_INPUT: .+\n$/);
    }
  });

  it('--batch prints one JSON array a line, in input order, with CLI options as defaults', async () => {
    const queries = [
      { query: 'tea coffee morning afternoon' },
      { query: 'sister Lisbon', limit: 1 },
      { query: 'borrow checker data races' },
      { query: 'tea coffee morning afternoon', limit: 1 },
    ];
    const file = path.join(box.dir, 'queries.jsonl');
    const lines = queries.map((q) => JSON.stringify(q));
    writeFileSync(file, [lines[0], '', lines[1], lines[2], lines[3], ''].join('\n'));
    const r = await runCli(['recall', '--batch', file, '--limit', '2'], { env: box.env });
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(4);
    const results = out.map((l) => JSON.parse(l) as SearchResult[]);
    expect(results.map((x) => x.length)).toEqual([2, 1, results[2]!.length, 1]);
    expect(results[2]!.length).toBeGreaterThanOrEqual(1);
    expect(results[2]!.length).toBeLessThanOrEqual(2);
    expect(results[1]![0]!.content).toContain('Lisbon');
    expect(results[2]![0]!.content).toContain('borrow checker');
    expect(results[3]).toEqual([results[0]![0]]);
    // Each line is exactly what a single recall returns.
    const single = json<RecallOutput>(
      await runCli(['recall', '--json', '--limit', '1', '--', 'sister Lisbon'], { env: box.env }),
    );
    expect(single.results.map((x) => x.fact_id)).toEqual(results[1]!.map((x) => x.fact_id));

    const fromStdin = await runCli(['recall', '--batch', '-', '--limit', '2'], {
      env: box.env,
      stdin: `${lines[0]}\n`,
    });
    expect(fromStdin.stdout).toBe(`${out[0]}\n`);
  });

  it('--batch validates every line before running any and names the bad line', async () => {
    const file = path.join(box.dir, 'bad-queries.jsonl');
    writeFileSync(
      file,
      [JSON.stringify({ query: 'tea' }), JSON.stringify({ query: 'x', limit: 1000 }), '{oops'].join('\n'),
    );
    const r = await runCli(['recall', '--batch', file], { env: box.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `hippo recall: BAD_INPUT: ${file} line 2: limit: Too big: expected number to be <=100\n`,
    );

    const both = await runCli(['recall', 'tea', '--batch', file], { env: box.env });
    expect(both.code).toBe(2);
    const missing = await runCli(['recall', '--batch', path.join(box.dir, 'nope.jsonl')], { env: box.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('--space', () => {
  it('keeps spaces apart for encode, recall, list and export', async () => {
    const w = await runCli(['--space', 'work', 'encode', 'Quarterly report due in March', '--json'], {
      env: box.env,
    });
    expect(w.code).toBe(0);
    // Global options also work after the command.
    const inWork = json<RecallOutput>(
      await runCli(['recall', 'quarterly report', '--json', '--space', 'work'], { env: box.env }),
    );
    expect(inWork.results.map((x) => x.content)).toEqual(['Quarterly report due in March']);
    const inPersonal = json<RecallOutput>(
      await runCli(['recall', 'quarterly report', '--json'], { env: box.env }),
    );
    expect(inPersonal.results.map((x) => x.content)).not.toContain('Quarterly report due in March');
    const workList = json<{ total: number }>(
      await runCli(['list', '--space', 'work', '--json'], { env: box.env }),
    );
    expect(workList.total).toBe(1);
    const exported = await runCli(['export', '--space', 'work'], { env: box.env });
    expect(exported.stdout.trim().split('\n')).toHaveLength(1);
    const bad = await runCli(['--space', '../etc', 'list'], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hippo list: BAD_INPUT: space: /);
  });
});
