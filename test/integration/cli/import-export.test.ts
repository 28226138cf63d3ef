import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportOutput } from '../../../src/cli/import-command';
import { Memory } from '../../../src/main/memory/memory';
import type { ExportedFact, ListResult } from '../../../src/shared/contract';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;
beforeEach(() => {
  box = sandbox('none');
});
afterEach(() => box.cleanup());

function write(name: string, text: string): string {
  const file = path.join(box.dir, name);
  writeFileSync(file, text);
  return file;
}

async function contents(env = box.env): Promise<string[]> {
  const r = await runCli(['list', '--json', '--limit', '1000'], { env });
  return json<ListResult>(r)
    .facts.map((f) => f.content)
    .sort();
}

describe('hippo import formats', () => {
  it('text: one fact a non-blank line, trimmed', async () => {
    const file = write(
      'notes.txt',
      '\uFEFFBuy oat milk\r\n\n   Call the plumber about the sink   \nBuy oat milk\n\n',
    );
    const r = await runCli(['import', file, '--json'], { env: box.env });
    expect(r.code).toBe(0);
    expect(json<ImportOutput>(r)).toEqual({
      created: 2,
      duplicate: 1,
      merged: 0,
      failed: 0,
      mode: 'text-only',
    });
    expect(await contents()).toEqual(['Buy oat milk', 'Call the plumber about the sink']);
  });

  it('markdown: one fact a list item; headings, prose, code and empty items are not facts', async () => {
    const md = [
      '# Groceries', // 1
      '',
      'Some prose that is not a fact.',
      '- Apples are in the cellar', // 4
      '* Bread from the corner bakery', // 5
      '  which opens at seven', // 6: continues item 5
      '+ Cheese: aged gouda', // 7
      '  - nested: smoked gouda too', // 8
      '1. First, water the plants', // 9
      '2) Then feed the cat', // 10
      '- [x] Renewed the passport', // 11
      '- ', // 12: empty item
      '---',
      '```',
      '- not a fact, inside a code block',
      '```',
      '## Done',
    ].join('\n');
    const r = await runCli(['import', write('list.md', md)], { env: box.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `Imported ${path.join(box.dir, 'list.md')} (markdown): 7 created, 0 duplicate, 0 merged, 0 failed\n`,
    );
    expect(await contents()).toEqual(
      [
        'Apples are in the cellar',
        'Bread from the corner bakery which opens at seven',
        'Cheese: aged gouda',
        'nested: smoked gouda too',
        'First, water the plants',
        'Then feed the cat',
        'Renewed the passport',
      ].sort(),
    );
  });

  it('jsonl: encode inputs with created_at kept, .ndjson too, duplicates counted', async () => {
    const lines = [
      {
        content: 'The boiler was serviced',
        category: 'home',
        created_at: '2021-03-04T05:06:07.000Z',
        source: 'invoice',
      },
      {
        content: 'Passport expires in 2031',
        label: 'documents',
        confidence: 0.9,
        created_at: 1_600_000_000_000,
      },
      { content: 'The boiler was serviced' },
    ];
    const file = write('facts.ndjson', lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = await runCli(['import', file, '--json'], { env: box.env });
    expect(r.code).toBe(0);
    expect(json<ImportOutput>(r)).toMatchObject({ created: 2, duplicate: 1, failed: 0 });
    const facts = json<ListResult>(await runCli(['list', '--json'], { env: box.env })).facts;
    expect(facts.find((f) => f.content === 'The boiler was serviced')).toMatchObject({
      category: 'home',
      source: 'invoice',
      created_at: '2021-03-04T05:06:07.000Z',
    });
    expect(facts.find((f) => f.content.startsWith('Passport'))).toMatchObject({
      label: 'documents',
      confidence: 0.9,
      created_at: new Date(1_600_000_000_000).toISOString(),
    });
  });

  it('reads stdin with "-" and --format; --format overrides the extension', async () => {
    const r = await runCli(['import', '-', '--format', 'markdown'], {
      env: box.env,
      stdin: '- from stdin\n',
    });
    expect(r.code).toBe(0);
    const asText = await runCli(['import', write('odd.md', '- kept with its dash'), '--format', 'text'], {
      env: box.env,
    });
    expect(asText.code).toBe(0);
    expect(await contents()).toEqual(['- kept with its dash', 'from stdin']);
  });

  it('exits 2 for an unknown extension, a bad --format, stdin without --format and a missing file', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['import', write('notes.log', 'x')], /cannot tell the format of ".*notes\.log" from its extension/],
      [
        ['import', write('a.txt', 'x'), '--format', 'csv'],
        /argument 'csv' is invalid. Allowed choices are jsonl, text, markdown/,
      ],
      [['import', '-'], /reading stdin \("-"\) needs --format/],
      [['import', path.join(box.dir, 'missing.txt')], /cannot read ".*missing\.txt": no such file/],
      [
        ['import', box.dir, '--format', 'text'],
        /".*" is a folder: folders are imported as markdown notes, so --format text does not apply/,
      ],
      [['import'], /missing required argument 'file'/],
    ];
    for (const [args, err] of cases) {
      const r = await runCli(args, { env: box.env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^hippo import: BAD_INPUT: /);
      expect(r.stderr).toMatch(err);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('hippo import with invalid lines', () => {
  const bad: Array<[string, string, number, RegExp]> = [
    [
      'bad.jsonl',
      [
        '{"content":"one"}',
        '{"content":"two"}',
        '{"content":""}',
        '{oops',
        '{"content":"x","colour":"red"}',
      ].join('\n'),
      3,
      /line 3: content: content must not be empty \(and 2 more invalid lines\); nothing was imported/,
    ],
    [
      'bad.txt',
      ['fine', 'also fine', 'z'.repeat(50_001)].join('\n'),
      3,
      /line 3: content: content must be at most 50000 characters/,
    ],
    [
      'bad.md',
      ['- fine', '- also fine', '', `- ${'z'.repeat(50_001)}`].join('\n'),
      4,
      /line 4: content: content must be at most/,
    ],
  ];

  it.each(bad)('%s: names the line, imports nothing, exits 2', async (name, text, _line, err) => {
    const r = await runCli(['import', write(name, text), '--json'], { env: box.env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hippo import: BAD_INPUT: .*\n$/);
    expect(r.stderr).toMatch(err);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await contents()).toEqual([]);
  });

  it.each(bad)(
    '%s with --skip-invalid: imports the rest and reports each bad line',
    async (name, text, line) => {
      const r = await runCli(['import', write(name, text), '--skip-invalid', '--json'], { env: box.env });
      expect(r.code).toBe(0);
      const out = json<ImportOutput>(r);
      expect(out.created).toBe(2);
      expect(out.failed).toBe(out.errors!.length);
      expect(out.errors![0]!.line).toBe(line);
      expect(r.stderr).toContain(`line ${line} skipped: content:`);
      expect(await contents()).toHaveLength(2);
    },
  );

  it('jsonl errors name the problem: invalid JSON, not an object, unknown field', async () => {
    const file = write(
      'kinds.jsonl',
      ['{oops', '[1,2]', '{"content":"x","colour":"red"}', '"just a string"'].join('\n'),
    );
    const r = await runCli(['import', file, '--skip-invalid', '--json'], { env: box.env });
    expect(json<ImportOutput>(r).errors).toEqual([
      { line: 1, message: expect.stringMatching(/^not valid JSON/) },
      { line: 2, message: 'must be a JSON object like {"content": "..."}' },
      { line: 3, message: 'unknown field(s): colour' },
      { line: 4, message: 'must be a JSON object like {"content": "..."}' },
    ]);
  });
});

describe('hippo import chunks and interrupts', () => {
  const seven = Array.from(
    { length: 7 },
    (_, i) => `Fact number ${i + 1} about topic ${String.fromCharCode(97 + i)}`,
  ).join('\n');

  it('imports in chunks, each its own transaction, and totals them', async () => {
    const r = await runCli(['import', write('seven.txt', seven), '--json'], {
      env: box.env,
      importChunkSize: 2,
    });
    expect(r.code).toBe(0);
    expect(json<ImportOutput>(r).created).toBe(7);
  });

  it('an interrupt keeps whole chunks only and says how many were imported', async () => {
    let reads = 0;
    // Aborted when the loop checks before its third chunk: two chunks of 2 are in, the rest not.
    const signal = {
      get aborted() {
        reads++;
        return reads > 2;
      },
    } as AbortSignal;
    const r = await runCli(['import', write('seven.txt', seven), '--json'], {
      env: box.env,
      importChunkSize: 2,
      signal,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^hippo import: interrupted: 4 of 7 facts from .*seven\.txt were imported \(4 created, 0 duplicate, 0 merged\); the rest was not\./,
    );
    expect(await contents()).toHaveLength(4);

    // The same import again resumes after the 4 (the counts cover both runs).
    const again = await runCli(['import', write('seven.txt', seven), '--json'], { env: box.env });
    expect(json<ImportOutput>(again)).toMatchObject({ created: 7, duplicate: 0, resumed: 4 });
    expect(await contents()).toHaveLength(7);
  });

  it('draws a progress bar on a terminal and not otherwise', async () => {
    const tty = await runCli(['import', write('seven.txt', seven)], {
      env: box.env,
      isTTY: true,
      importChunkSize: 2,
    });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('7 of 7 facts');
    expect(tty.stderr).toContain('\u2588');
    const pipe = await runCli(['import', write('seven.txt', seven)], { env: box.env });
    expect(pipe.stderr).toBe('');
  });
});

describe('hippo export → import', () => {
  it('round-trips losslessly into a fresh database (lexical model)', async () => {
    const a = sandbox('lexical');
    const b = sandbox('lexical');
    try {
      const seed = [
        {
          content: 'I drink green tea every morning',
          category: 'habits',
          label: 'drinks',
          source: 'chat',
          created_at: '2020-01-02T03:04:05.006Z',
        },
        { content: 'My sister lives in Lisbon', category: 'family', confidence: 0.75 },
        {
          content: 'The dentist appointment is on Friday at noon',
          category: 'calendar',
          confidence: 0.6,
          label: 'health',
        },
        { content: 'Rust borrow checker prevents data races', category: 'work', label: 'rust' },
        { content: 'Line one\nline two with "quotes" and unicode: café 🍵', category: 'misc' },
      ];
      const seedFile = path.join(a.dir, 'seed.jsonl');
      writeFileSync(seedFile, seed.map((s) => JSON.stringify(s)).join('\n'));
      expect((await runCli(['import', seedFile], { env: a.env })).code).toBe(0);
      expect(
        (await runCli(['encode', 'Walk the dog at six', '--category', 'habits'], { env: a.env })).code,
      ).toBe(0);
      expect((await runCli(['--space', 'work', 'encode', 'Standup is at nine'], { env: a.env })).code).toBe(
        0,
      );
      const forgotten = json<ListResult>(
        await runCli(['list', '--category', 'family', '--json'], { env: a.env }),
      ).facts[0]!;
      expect((await runCli(['forget', String(forgotten.id)], { env: a.env })).code).toBe(0);

      const exportFile = path.join(a.dir, 'export.jsonl');
      const ex = await runCli(['export', exportFile], { env: a.env });
      expect(ex.code).toBe(0);
      expect(ex.stderr).toBe(`Exported 6 facts to ${exportFile}\n`);
      const stdoutExport = await runCli(['export'], { env: a.env });
      expect(stdoutExport.stdout).toBe(readFileSync(exportFile, 'utf8'));

      const imp = await runCli(['import', exportFile, '--json'], { env: b.env });
      expect(imp.code).toBe(0);
      expect(json<ImportOutput>(imp)).toMatchObject({
        created: 6,
        duplicate: 0,
        merged: 0,
        failed: 0,
        mode: 'hybrid',
      });
      expect((await runCli(['export'], { env: b.env })).stdout).toBe(stdoutExport.stdout);

      // The engine's own view agrees, forgotten fact included.
      const records = (db: string): ExportedFact[] => {
        const m = Memory.open({ dbPath: db });
        try {
          return [...m.exportRecords()];
        } finally {
          void m.close();
        }
      };
      const before = records(a.db);
      expect(before).toHaveLength(6);
      expect(before.filter((r) => r.deleted_at)).toHaveLength(1);
      expect(records(b.db)).toEqual(before);
      // --space exports only that space.
      expect((await runCli(['export', '--space', 'work'], { env: a.env })).stdout).toContain(
        'Standup is at nine',
      );
      expect(stdoutExport.stdout).not.toContain('Standup');
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('exits 2 when the export file cannot be written', async () => {
    const r = await runCli(['export', path.join(box.dir, 'no', 'such', 'dir', 'x.jsonl')], { env: box.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hippo export: BAD_INPUT: cannot write ".*x\.jsonl": /);
  });
});
