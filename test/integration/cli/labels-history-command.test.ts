import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/cli-io';
import { createCommandContext } from '../../../src/cli/command-context';
import { labelsCommand } from '../../../src/cli/labels-command';
import { labelsHistoryCommand } from '../../../src/cli/labels-history-command';
import { Memory } from '../../../src/main/memory/memory';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import type { LabelVersion } from '../../../src/shared/contract';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';
import { Capture, sandbox, type Sandbox } from './cli-harness';

/**
 * `hippo labels history <name>` through labelsHistoryCommand itself, on the real `labels` command:
 * main.ts registers it once the lead adds the line (see the report), and this test needs no change then.
 */
async function run(args: string[], env: Record<string, string | undefined>) {
  const stdout = new Capture(false);
  const stderr = new Capture(false);
  const io: CliIo = { stdin: Readable.from([]), stdout, stderr, env, isTTY: false };
  let code = -1;
  const ctx = createCommandContext(io, (c) => {
    code = c;
  });
  const program = new Command('hippo')
    .option('--db <path>')
    .option('--space <name>')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) });
  program.addCommand(labelsHistoryCommand(ctx, labelsCommand(ctx)));
  await program.parseAsync(args, { from: 'user' });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('hippo labels history', () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = sandbox('none');
    const memory = Memory.open({ dbPath: box.db, embedder: null });
    await memory.encode({ content: 'Quarterly report due Friday', label: 'reports' });
    await memory.encode({ content: 'Book the dentist', label: 'health' });
    const id = memory.labelsList().find((l) => l.name === 'reports')!.id;
    await memory.renameLabel(id, 'reporting');
    await memory.renameLabel(id, 'Work');
    await memory.close();
  });
  afterAll(() => box.cleanup());

  it('prints the earlier names newest first; the name is matched in any letter case', async () => {
    const r = await run(['labels', 'history', 'work'], box.env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^reporting {2}\(renamed \d{4}-\d{2}-\d{2}; topic, general\)$/);
    expect(lines[1]).toMatch(/^reports {2}\(renamed /);
  });

  it('--json prints the versions as the contract has them', async () => {
    const r = await run(['labels', 'history', 'Work', '--json'], box.env);
    expect(r.code).toBe(0);
    const versions = JSON.parse(r.stdout) as LabelVersion[];
    expect(versions.map((v) => [v.name, v.reason])).toEqual([
      ['reporting', 'renamed'],
      ['reports', 'renamed'],
    ]);
  });

  it('a label never renamed has none; an unknown one is exit 2 naming it; the labels list still works', async () => {
    expect(await run(['labels', 'history', 'health'], box.env)).toMatchObject({
      code: 0,
      stdout: '"health" has no earlier names.\n',
    });
    const missing = await run(['labels', 'history', 'nope'], box.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no label called "nope" in space "personal"/);
    const other = await run(['--space', 'work', 'labels', 'history', 'Work'], box.env);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/in space "work"/);
    const list = await run(['labels', '--json'], box.env);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((l) => l.name).sort()).toEqual([
      'Work',
      'health',
    ]);
  });

  describe('with --store postgres', () => {
    let server: PgTestServer;
    beforeAll(async () => {
      server = await startPgServer();
      const store = await PostgresStore.open({ url: server.url, embedder: null });
      try {
        await store.encode({ content: 'Water the ferns', label: 'plants' });
        const id = (await store.labelsList()).find((l) => l.name === 'plants')!.id;
        await store.renameLabel(id, 'garden');
      } finally {
        await store.close();
      }
    });
    afterAll(async () => server?.close());

    it('reads the history Postgres keeps, with --pg given before or after `history`', async () => {
      for (const args of [
        ['labels', 'history', 'garden', '--pg', server.url, '--json'],
        ['labels', '--pg', server.url, 'history', 'garden', '--json'],
      ]) {
        const r = await run(args, box.env);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect((JSON.parse(r.stdout) as LabelVersion[]).map((v) => [v.name, v.reason])).toEqual([
          ['plants', 'renamed'],
        ]);
      }
    });
  });
});
