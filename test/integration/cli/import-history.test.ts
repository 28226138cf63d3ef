import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FolderImportOutput, ImportOutput } from '../../../src/cli/import-command';
import type { Fact, ListResult } from '../../../src/shared/contract';
import { distinctFacts } from '../../unit/renderer/import-fixtures';
import { json, ROOT, runCli, sandbox, type Sandbox } from './cli-harness';

const FIXTURES = path.join(ROOT, 'test/fixtures/imports');

let box: Sandbox;
beforeEach(() => {
  box = sandbox('none');
});
afterEach(() => box.cleanup());

async function facts(deleted: 'exclude' | 'only' = 'exclude'): Promise<Fact[]> {
  const r = await runCli(['list', '--json', '--limit', '1000', '--deleted', deleted], { env: box.env });
  return json<ListResult>(r).facts.sort((a, b) => a.content.localeCompare(b.content));
}

/** An AbortSignal as Ctrl-C leaves it: not aborted for the first `reads` looks, aborted after. */
function interruptAfter(reads: number): AbortSignal {
  let n = 0;
  return {
    get aborted() {
      return ++n > reads;
    },
  } as AbortSignal;
}

const progressFiles = () => {
  const dir = path.join(box.env.HIPPO_HOME, 'import-progress');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('hippo import of chat history', () => {
  it('chat JSONL: one fact a turn, kept times, the conversation as source; again: all duplicate', async () => {
    const file = path.join(FIXTURES, 'chat.jsonl');
    const r = await runCli(['import', file], { env: box.env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`Imported ${file} (chat): 4 created, 0 duplicate, 0 merged, 0 failed\n`);
    expect((await facts()).map((f) => [f.content, f.source, f.created_at])).toEqual([
      ['Ana: Did you book the ferry to Hydra?', 'chat:Greece trip', '2024-06-01T09:15:00.000Z'],
      ["Ana: Great, I'll bring the snorkels.", 'chat:Greece trip', '2024-06-01T09:17:00.000Z'],
      [
        'Dr. Okafor: Your next dental check-up is on 3 September at 10am.',
        'chat',
        '2024-07-01T07:00:00.000Z',
      ],
      ['me: Yes, the 8:30 ferry from Piraeus on June 12th.', 'chat:Greece trip', '2024-06-01T09:16:30.000Z'],
    ]);
    const again = await runCli(['import', file, '--json'], { env: box.env });
    expect(json<ImportOutput>(again)).toEqual({
      created: 0,
      duplicate: 4,
      merged: 0,
      failed: 0,
      mode: 'text-only',
    });
  });

  it('ChatGPT and Claude exports are told apart by content and named as asked', async () => {
    const gpt = path.join(box.dir, 'conversations.json');
    cpSync(path.join(FIXTURES, 'chatgpt-conversations.json'), gpt);
    const r1 = await runCli(['import', gpt, '--json', '--user-name', 'Sam'], { env: box.env });
    expect(r1.code).toBe(0);
    expect(json<ImportOutput>(r1)).toMatchObject({ created: 5, duplicate: 0, failed: 0 });

    const claudeDir = path.join(box.dir, 'claude');
    cpSync(path.join(FIXTURES, 'claude-conversations.json'), path.join(claudeDir, 'conversations.json'));
    const r2 = await runCli(['import', path.join(claudeDir, 'conversations.json')], { env: box.env });
    expect(r2.stdout).toMatch(/\(claude\): 3 created, 0 duplicate, 0 merged, 0 failed\n$/);

    const all = await facts();
    expect(all.find((f) => f.content.startsWith('Sam: What'))).toMatchObject({
      content: "Sam: What's a good name for a sourdough starter?",
      source: 'chatgpt:Sourdough starter (c0ffee00-0000-4000-8000-000000000001)',
      created_at: '2024-05-29T16:26:40.123Z',
    });
    expect(all.find((f) => f.content.startsWith('Claude: '))?.source).toBe(
      'claude:Bike maintenance (5e1f0000-0000-4000-8000-00000000000a)',
    );
    expect(all.some((f) => /left behind|Bready Mercury|search results/.test(f.content))).toBe(false);
    // --format overrides what the content says: ChatGPT's file read as Claude's is refused whole.
    const forced = await runCli(['import', gpt, '--format', 'claude'], { env: box.env });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(
      /conversation 1 \("Sourdough starter"\): chat_messages: must be an array \(and 1 more invalid records\); nothing was imported/,
    );
  });

  it('a bad record names its conversation, message and field and nothing is written; --skip-invalid imports the rest', async () => {
    const convs = JSON.parse(
      readFileSync(path.join(FIXTURES, 'claude-conversations.json'), 'utf8'),
    ) as Array<{
      chat_messages: Array<Record<string, unknown>>;
    }>;
    convs[1]!.chat_messages[0]!.sender = 'robot';
    const file = path.join(box.dir, 'claude.json');
    writeFileSync(file, JSON.stringify(convs));
    const r = await runCli(['import', file], { env: box.env });
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe(
      `hippo import: BAD_INPUT: ${file} conversation 2, message n1: sender: must be "human" or "assistant", got "robot"; ` +
        'nothing was imported (--skip-invalid imports the valid records)\n',
    );
    expect(await facts()).toEqual([]);

    const skip = await runCli(['import', file, '--skip-invalid', '--json'], { env: box.env });
    expect(skip.code).toBe(0);
    expect(json<ImportOutput>(skip)).toMatchObject({
      created: 2,
      failed: 1,
      errors: [{ line: 2, at: 'conversation 2, message n1', message: expect.stringMatching(/^sender: /) }],
    });
    expect(skip.stderr).toContain(
      `hippo import: ${file} conversation 2, message n1 skipped: sender: must be`,
    );

    const badLine = path.join(box.dir, 'bad.jsonl');
    writeFileSync(
      badLine,
      '{"speaker": "Ana", "text": "hi", "timestamp": "2024-01-01"}\n{"speaker": "Ana", "text": "x"}\n',
    );
    const r3 = await runCli(['import', badLine], { env: box.env });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/bad\.jsonl line 2: timestamp: must be an ISO 8601 date-time/);
  });

  it('an interrupted import resumes where it stopped when run again, creating no duplicates', async () => {
    const turns = distinctFacts(40).map((text, i) =>
      JSON.stringify({
        speaker: i % 2 ? 'me' : 'Ana',
        text,
        timestamp: 1_700_000_000 + i,
        conversation: 'long',
      }),
    );
    const file = path.join(box.dir, 'long.jsonl');
    writeFileSync(file, turns.join('\n'));

    // Ctrl-C after two chunks of five.
    const first = await runCli(['import', file], {
      env: box.env,
      importChunkSize: 5,
      signal: interruptAfter(2),
    });
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(
      `hippo import: interrupted: 10 of 40 facts from ${file} were imported (10 created, 0 duplicate, 0 merged); ` +
        'the rest was not. Running the same import again resumes where this one stopped.',
    );
    expect((await facts()).length).toBe(10);
    expect(progressFiles()).toHaveLength(1);

    // Interrupted again, this time after one more chunk.
    const second = await runCli(['import', file], {
      env: box.env,
      importChunkSize: 5,
      signal: interruptAfter(1),
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('resuming: an earlier run imported 10 of 40 facts');
    expect(second.stderr).toContain('interrupted: 15 of 40 facts');

    const last = await runCli(['import', file, '--json'], { env: box.env, importChunkSize: 5 });
    expect(last.code).toBe(0);
    expect(last.stderr).toBe(
      `hippo import: resuming: an earlier run imported 15 of 40 facts from ${file}; importing the rest\n`,
    );
    expect(json<ImportOutput>(last)).toEqual({
      created: 40,
      duplicate: 0,
      merged: 0,
      failed: 0,
      mode: 'text-only',
      resumed: 15,
    });
    const stored = await facts();
    expect(stored.length).toBe(40);
    expect(new Set(stored.map((f) => f.content)).size).toBe(40);
    expect(progressFiles()).toEqual([]);

    // Finished, so the next run reads the whole file again: every turn is a duplicate.
    const again = await runCli(['import', file, '--json'], { env: box.env });
    expect(json<ImportOutput>(again)).toMatchObject({ created: 0, duplicate: 40 });
    expect(again.stderr).toBe('');
  });

  it('progress saved against a database since replaced is not trusted: the file is read whole', async () => {
    const file = path.join(box.dir, 'talk.jsonl');
    const turns = distinctFacts(12).map((text, i) =>
      JSON.stringify({ speaker: 'me', text, timestamp: i + 1 }),
    );
    writeFileSync(file, turns.join('\n'));
    const first = await runCli(['import', file], {
      env: box.env,
      importChunkSize: 4,
      signal: interruptAfter(1),
    });
    expect(first.code).toBe(1);
    for (const suffix of ['', '-wal', '-shm']) rmSync(box.db + suffix, { force: true });
    const r = await runCli(['import', file, '--json'], { env: box.env, importChunkSize: 4 });
    expect(r.stderr).toBe('');
    expect(json<ImportOutput>(r)).toEqual({
      created: 12,
      duplicate: 0,
      merged: 0,
      failed: 0,
      mode: 'text-only',
    });
    expect((await facts()).length).toBe(12);
  });

  it('progress of an edited file is not reused: it is read whole, its facts already in count as duplicates', async () => {
    const file = path.join(box.dir, 'talk.jsonl');
    const turns = distinctFacts(12).map((text, i) =>
      JSON.stringify({ speaker: 'me', text, timestamp: i + 1 }),
    );
    writeFileSync(file, turns.join('\n'));
    expect(
      (await runCli(['import', file], { env: box.env, importChunkSize: 4, signal: interruptAfter(1) })).code,
    ).toBe(1);
    writeFileSync(
      file,
      [...turns, JSON.stringify({ speaker: 'me', text: 'one more', timestamp: 99 })].join('\n'),
    );
    const r = await runCli(['import', file, '--json'], { env: box.env, importChunkSize: 4 });
    expect(r.stderr).toBe('');
    expect(json<ImportOutput>(r)).toMatchObject({ created: 9, duplicate: 4 });
    expect(progressFiles()).toHaveLength(1); // the edited file's run finished; the old one's is left unused
  });
});

describe('hippo import <folder> (markdown notes)', () => {
  let vault: string;
  const MTIME = new Date('2025-02-03T04:05:06.000Z');
  beforeEach(() => {
    vault = path.join(box.dir, 'MyVault');
    cpSync(path.join(FIXTURES, 'vault'), vault, { recursive: true });
    for (const f of ['Home.md', 'Neighbours.md', 'Projects/Garden/Tomatoes.md'])
      utimesSync(path.join(vault, f), MTIME, MTIME);
  });
  const edit = (file: string, change: (text: string) => string) => {
    const full = path.join(vault, file);
    writeFileSync(full, change(readFileSync(full, 'utf8')));
  };
  const pairs = async () => (await facts()).map((f) => [f.content, f.source]);

  it('imports every note, a fact a paragraph or bullet, with vault:<name>/<path>#<heading> as source', async () => {
    const r = await runCli(['import', vault], { env: box.env });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      `Imported ${vault} (markdown notes of vault "MyVault", 3 files): 10 created, 0 updated, 0 duplicate, 0 merged, 0 forgotten, 0 failed\n`,
    );
    expect(await pairs()).toEqual([
      ['Electricity contract with Greenvolt ends in October', 'vault:MyVault/Home.md#Utilities'],
      ['Harden the seedlings off for a week in May', 'vault:MyVault/Projects/Garden/Tomatoes.md#Tomato plan'],
      ['Mrs Lindqvist grows prize-winning dahlias every summer.', 'vault:MyVault/Neighbours.md#Neighbours'],
      [
        'nested: water at the base, never the leaves',
        'vault:MyVault/Projects/Garden/Tomatoes.md#Tomato plan',
      ],
      ['Plant them out after the last frost', 'vault:MyVault/Projects/Garden/Tomatoes.md#Tomato plan'],
      [
        'Sow the San Marzano seeds indoors in late February.',
        'vault:MyVault/Projects/Garden/Tomatoes.md#Tomato plan',
      ],
      ['Switched broadband to fibre (the router is in the hall cupboard)', 'vault:MyVault/Home.md#Utilities'],
      ['The boiler was serviced by Nordheat in March 2024.', 'vault:MyVault/Home.md'],
      ['The spare key is with Mrs Lindqvist at number 12.', 'vault:MyVault/Home.md#Keys'],
      [
        'The water meter is behind the panel under the kitchen sink. Its reading is due every quarter.',
        'vault:MyVault/Home.md#Utilities',
      ],
    ]);
    // Created at the note's modification time.
    expect(new Set((await facts()).map((f) => f.created_at))).toEqual(new Set([MTIME.toISOString()]));
  });

  it('re-import after editing updates changed paragraphs, forgets removed ones (undoably) and duplicates nothing', async () => {
    expect((await runCli(['import', vault], { env: box.env })).code).toBe(0);
    const before = await facts();
    const idOf = (content: string) => before.find((f) => f.content === content)!.id;

    edit('Home.md', (t) =>
      t
        .replace('ends in October', 'ends in November')
        .replace('- Electricity', '- The smoke alarms were tested in January\n- Electricity')
        .replace('The boiler was serviced by Nordheat in March 2024.\n', ''),
    );
    // A paragraph moved to another note keeps its fact.
    edit('Neighbours.md', (t) => `${t}\n## Garden\n\nSow the San Marzano seeds indoors in late February.\n`);
    edit('Projects/Garden/Tomatoes.md', (t) =>
      t.replace('Sow the San Marzano seeds indoors in late February.\n', ''),
    );

    const r = await runCli(['import', vault, '--json'], { env: box.env });
    expect(r.code).toBe(0);
    expect(json<FolderImportOutput>(r)).toEqual({
      files: 3,
      created: 1,
      updated: 2,
      duplicate: 7,
      merged: 0,
      forgotten: 1,
      failed: 0,
      mode: 'text-only',
    });
    const after = await facts();
    expect(after.length).toBe(10);
    // The edited bullet is the same fact, with its new wording.
    expect(
      after.find((f) => f.id === idOf('Electricity contract with Greenvolt ends in October')),
    ).toMatchObject({
      content: 'Electricity contract with Greenvolt ends in November',
      source: 'vault:MyVault/Home.md#Utilities',
      created_at: MTIME.toISOString(),
    });
    expect(
      after.find((f) => f.id === idOf('Sow the San Marzano seeds indoors in late February.'))?.source,
    ).toBe('vault:MyVault/Neighbours.md#Garden');
    expect(after.some((f) => f.content === 'The smoke alarms were tested in January')).toBe(true);
    // The removed paragraph waits in the Trash and can be restored.
    const trash = await facts('only');
    expect(trash.map((f) => f.content)).toEqual(['The boiler was serviced by Nordheat in March 2024.']);
    expect((await runCli(['restore', String(trash[0]!.id)], { env: box.env })).code).toBe(0);

    // Nothing changed since: all duplicate (the restored paragraph is forgotten again, being gone from the note).
    const again = await runCli(['import', vault, '--json'], { env: box.env });
    expect(json<FolderImportOutput>(again)).toMatchObject({
      created: 0,
      updated: 0,
      duplicate: 10,
      forgotten: 1,
    });
    const third = await runCli(['import', vault, '--json'], { env: box.env });
    expect(json<FolderImportOutput>(third)).toMatchObject({
      created: 0,
      updated: 0,
      duplicate: 10,
      forgotten: 0,
    });
  });

  it('leaves facts of other imports and of other vaults alone; a deleted note forgets its facts', async () => {
    expect(
      (await runCli(['encode', 'Mrs Lindqvist grows prize-winning dahlias every summer.'], { env: box.env }))
        .code,
    ).toBe(0);
    expect((await runCli(['import', vault, '--vault-name', 'Work', '--json'], { env: box.env })).code).toBe(
      0,
    );
    const r = await runCli(['import', vault, '--json'], { env: box.env });
    // The same note under another vault name: its paragraphs are already stored (duplicates), none is touched.
    expect(json<FolderImportOutput>(r)).toMatchObject({ created: 0, duplicate: 10, forgotten: 0 });

    rmSync(path.join(vault, 'Projects'), { recursive: true });
    const gone = await runCli(['import', vault, '--vault-name', 'Work', '--json'], { env: box.env });
    expect(json<FolderImportOutput>(gone)).toMatchObject({
      files: 2,
      forgotten: 4,
      duplicate: 6,
      created: 0,
    });
    expect((await facts()).length).toBe(6);
  });

  it('an interrupted folder import finishes when run again, with nothing twice', async () => {
    const first = await runCli(['import', vault], {
      env: box.env,
      importChunkSize: 3,
      signal: interruptAfter(3),
    });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /interrupted: .* was imported in part \(6 created, .*Running the same import again finishes it/,
    );
    expect((await facts()).length).toBe(6);
    const second = await runCli(['import', vault, '--json'], { env: box.env, importChunkSize: 3 });
    expect(json<FolderImportOutput>(second)).toMatchObject({ created: 4, duplicate: 6, forgotten: 0 });
    expect((await facts()).length).toBe(10);
  });

  it('draws a progress bar of paragraphs on a terminal', async () => {
    const r = await runCli(['import', vault], { env: box.env, isTTY: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('10 of 10 paragraphs');
  });

  it('refuses a bad --vault-name and a non-markdown --format for a folder, writing nothing', async () => {
    const bad = await runCli(['import', vault, '--vault-name', 'a/b'], { env: box.env });
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toMatch(/--vault-name: must be 1-100 characters without "\/"/);
    expect((await runCli(['import', vault, '--format', 'markdown', '--json'], { env: box.env })).code).toBe(
      0,
    );
  });
});
