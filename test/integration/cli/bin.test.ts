import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import type { SearchResult } from '../../../src/shared/contract';
import type { ImportOutput } from '../../../src/cli/import-command';
import { distinctFacts } from '../../unit/renderer/import-fixtures';
import { json, ROOT, runBin, sandbox, type Sandbox } from './cli-harness';

// The built binary, end to end: bin/hippo.mjs → dist/cli.mjs (built by the vitest globalSetup).
let box: Sandbox;
beforeEach(() => {
  box = sandbox('lexical');
});
afterEach(() => box.cleanup());

describe('bin/hippo.mjs', () => {
  it('is built and prints usage with exit code 0', async () => {
    expect(existsSync(path.join(ROOT, 'dist/cli.mjs'))).toBe(true);
    const r = await runBin(['--help'], { env: box.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hippo \[options\] \[command\]/);
    expect(r.stdout).toContain('2  bad input');
  });

  it('encodes from piped stdin, recalls, and runs a --batch with one JSON array a line', async () => {
    const a = await runBin(['encode', '--json', '--category', 'pets'], {
      env: box.env,
      stdin: 'Our cat Miso likes tuna\n',
    });
    expect(a.code).toBe(0);
    expect(json<EncodeOutput>(a)).toMatchObject({ status: 'created', mode: 'hybrid' });
    const b = await runBin(['encode', 'The car needs new tyres before winter', '--json'], { env: box.env });
    expect(b.code).toBe(0);

    const r = await runBin(['recall', 'cat tuna', '--json'], { env: box.env });
    expect(r.code).toBe(0);
    expect(json<RecallOutput>(r).results[0]).toMatchObject({
      fact_id: json<EncodeOutput>(a).id,
      category: 'pets',
    });

    const queries = path.join(box.dir, 'q.jsonl');
    writeFileSync(
      queries,
      ['{"query":"car tyres winter","limit":1}', '{"query":"cat tuna","limit":1}'].join('\n'),
    );
    const batch = await runBin(['recall', '--batch', queries], { env: box.env });
    expect(batch.code).toBe(0);
    const lines = batch.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as SearchResult[]);
    expect(lines.map((l) => l[0]!.fact_id)).toEqual([json<EncodeOutput>(b).id, json<EncodeOutput>(a).id]);
  });

  it('exits 2 on bad input and 1 on other failures, with one stderr line each', async () => {
    const bad = await runBin(['recall', '--limit', '500', 'x'], { env: box.env });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^hippo recall: BAD_INPUT: limit: .+\n$/);
    const notFound = await runBin(['forget', '42'], { env: box.env });
    expect(notFound).toMatchObject({
      code: 2,
      stderr: 'hippo forget: NOT_FOUND: no fact with id 42 in space "personal"\n',
    });
    const dbIsFolder = await runBin(['list', '--db', box.dir], { env: box.env });
    expect(dbIsFolder.code).toBe(1);
    expect(dbIsFolder.stderr).toMatch(/^hippo list: DB_ERROR: .+\n$/);
  });

  it('runs text-only when the model is missing, and says so in JSON', async () => {
    const env = { ...box.env, HIPPO_MODEL_DIR: path.join(box.dir, 'no-model') };
    const e = await runBin(['encode', 'Offline fact about lighthouses', '--json'], { env });
    expect(json<EncodeOutput>(e).mode).toBe('text-only');
    const r = await runBin(['recall', 'lighthouses', '--json'], { env });
    expect(json<RecallOutput>(r)).toMatchObject({
      mode: 'text-only',
      results: [{ content: 'Offline fact about lighthouses' }],
    });
    expect(r.stderr).toBe('');
  });

  it('Ctrl-C during import keeps whole chunks and reports how many were imported', async () => {
    const total = 6000;
    const file = path.join(box.dir, 'many.txt');
    writeFileSync(
      file,
      Array.from({ length: total }, (_, i) => `Imported fact number ${i} about item ${i * 7919}`).join('\n'),
    );
    const count = (): number => {
      if (!existsSync(box.db)) return 0;
      const db = new Database(box.db, { readonly: true, fileMustExist: true });
      try {
        return (
          db.prepare('SELECT count(*) AS n FROM facts WHERE superseded_by IS NULL').get() as { n: number }
        ).n;
      } catch {
        return 0; // not migrated yet
      } finally {
        db.close();
      }
    };
    let pid = 0;
    const run = runBin(['import', file, '--json'], { env: box.env, onSpawn: (p) => (pid = p) });
    let finished = false;
    void run.then(() => (finished = true));
    // Interrupt once the first chunk is in (or let it finish if it is that fast).
    while (!finished && count() === 0) await sleep(50);
    if (!finished) process.kill(pid, 'SIGINT');
    const r = await run;
    // Live facts: merged ones live on as history rows, so compare with "created".
    const stored = count();
    if (r.code === 0) {
      expect(json<{ created: number; duplicate: number; merged: number }>(r)).toMatchObject({
        created: stored,
      });
    } else {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const m =
        /hippo import: interrupted: (\d+) of 6000 facts from .* were imported \((\d+) created, (\d+) duplicate, (\d+) merged\)/.exec(
          r.stderr,
        );
      expect(m, r.stderr).not.toBeNull();
      const [imported, created, duplicate, merged] = m!.slice(1).map(Number) as [
        number,
        number,
        number,
        number,
      ];
      expect(imported % 500).toBe(0);
      expect(created + duplicate + merged).toBe(imported);
      expect(stored).toBe(created);
    }
  });
  it('a chat import killed by Ctrl-C midway resumes when run again, and every turn is stored once', async () => {
    const total = 3000;
    const file = path.join(box.dir, 'chat.jsonl');
    writeFileSync(
      file,
      distinctFacts(total)
        .map((text, i) =>
          JSON.stringify({ speaker: 'Ana', text, timestamp: 1_700_000_000 + i, conversation: 'c' }),
        )
        .join('\n'),
    );
    const live = (): number => {
      if (!existsSync(box.db)) return 0;
      const db = new Database(box.db, { readonly: true, fileMustExist: true });
      try {
        return (
          db.prepare('SELECT count(*) AS n FROM facts WHERE superseded_by IS NULL').get() as { n: number }
        ).n;
      } catch {
        return 0; // not migrated yet
      } finally {
        db.close();
      }
    };
    let pid = 0;
    const run = runBin(['import', file], { env: box.env, onSpawn: (p) => (pid = p) });
    let finished = false;
    void run.then(() => (finished = true));
    while (!finished && live() === 0) await sleep(50);
    if (!finished) process.kill(pid, 'SIGINT');
    const first = await run;
    expect(first.code, 'the import finished before it could be interrupted').toBe(1);
    const done = Number(/interrupted: (\d+) of 3000 facts/.exec(first.stderr)?.[1]);
    expect(done % 500).toBe(0);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(total);

    const again = await runBin(['import', file, '--json'], { env: box.env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`resuming: an earlier run imported ${done} of 3000 facts`);
    const out = json<ImportOutput>(again);
    expect(out.resumed).toBe(done);
    expect(out.created + out.duplicate + out.merged).toBe(total);
    expect(out.duplicate).toBe(0);
    expect(live()).toBe(out.created);
  });
});
