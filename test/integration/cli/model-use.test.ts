import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelListEntry, ModelUseResult } from '../../../src/cli/model-use-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import type { Stats } from '../../../src/shared/contract';
import { homeWithBothModels } from '../../helpers/two-models';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;
let env: Record<string, string>;

beforeAll(() => {
  box = sandbox('none');
  homeWithBothModels(box.env.HIPPO_HOME);
  // No HIPPO_MODEL_DIR: each model is found in its own folder under HIPPO_HOME/models.
  env = { HIPPO_HOME: box.env.HIPPO_HOME, HIPPO_DB: box.db };
});
afterAll(() => box.cleanup());

const settings = () =>
  JSON.parse(readFileSync(path.join(box.env.HIPPO_HOME, 'settings.json'), 'utf8')) as { model: string };

describe('hippo model list / use', () => {
  it('lists the catalogue: MiniLM chosen by default, both installed here, bge-base 768 wide', async () => {
    const r = await runCli(['model', 'list', '--json'], { env });
    expect(r.code).toBe(0);
    expect(json<ModelListEntry[]>(r)).toMatchObject([
      { name: 'minilm', dims: 384, pooling: 'mean', selected: true, downloadable: true, vectors: 'none' },
      { name: 'bge-base', dims: 768, pooling: 'cls', selected: false, downloadable: false, vectors: 'none' },
    ]);
    expect(json<ModelListEntry[]>(r).every((m) => m.installed_in !== null)).toBe(true);
  });

  it('switches to bge-base with progress, re-embedding every fact, and recall then uses 768-wide vectors', async () => {
    const file = path.join(box.dir, 'notes.jsonl');
    writeFileSync(
      file,
      Array.from({ length: 70 }, (_, i) =>
        JSON.stringify({ content: `garden note ${i} about tulip${i} bulbs` }),
      ).join('\n'),
    );
    expect((await runCli(['import', file], { env })).code).toBe(0);
    expect(json<Stats>(await runCli(['stats', '--json'], { env }))).toMatchObject({
      mode: 'hybrid',
      model: expect.stringMatching(/^minilm:/),
      pending_embeddings: 0,
    });

    const r = await runCli(['model', 'use', 'bge-base'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /Switched the vectors from minilm:[0-9a-f]+ to bge-base:[0-9a-f]+: 70 facts to embed/,
    );
    // Progress lines (not a terminal): the first batch and the end.
    expect(r.stderr).toContain('re-embedding: 64 of ');
    expect(r.stderr).toMatch(/re-embedding: (\d+) of \1\n/);
    expect(r.stdout).toMatch(/^Using bge-base \(768 dimensions, model bge-base:[0-9a-f]+\)\.\n$/);
    expect(settings().model).toBe('bge-base');

    const stats = json<Stats>(await runCli(['stats', '--json'], { env }));
    expect(stats).toMatchObject({
      mode: 'hybrid',
      model: expect.stringMatching(/^bge-base:/),
      pending_embeddings: 0,
    });
    const recall = json<RecallOutput>(await runCli(['recall', 'tulip7 bulbs', '--json'], { env }));
    expect(recall.mode).toBe('hybrid');
    expect(recall.results[0]).toMatchObject({
      content: 'garden note 7 about tulip7 bulbs',
      similarity: expect.any(Number),
    });

    const list = json<ModelListEntry[]>(await runCli(['model', 'list', '--json'], { env }));
    expect(list.map((m) => [m.name, m.selected, m.vectors])).toEqual([
      ['minilm', false, 'parked'],
      ['bge-base', true, 'in use'],
    ]);
  });

  it('switching back to MiniLM restores its vectors: nothing to embed', async () => {
    const r = await runCli(['model', 'use', 'minilm', '--json'], { env });
    expect(r.code).toBe(0);
    const value = json<{ ok: true; value: ModelUseResult }>(r).value;
    expect(value).toMatchObject({
      model: 'minilm',
      model_id: expect.stringMatching(/^minilm:/),
      switched: { restoredFacts: 70, pending: 0 },
      embedded: 0,
      remaining: 0,
    });
    expect(settings().model).toBe('minilm');
    const recall = json<RecallOutput>(await runCli(['recall', 'tulip7 bulbs', '--json'], { env }));
    expect(recall).toMatchObject({ mode: 'hybrid' });
  });

  it('refuses an unknown model, and one that is not installed, changing nothing', async () => {
    const bad = await runCli(['model', 'use', 'gpt-9'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_INPUT: model: unknown model "gpt-9"; choose one of minilm, bge-base/);

    const missing = await runCli(['model', 'use', 'bge-base'], {
      env: { ...env, HIPPO_HOME: path.join(box.dir, 'empty-home') },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /MODEL_MISSING: bge-base cannot be used: .*bge-base-en-v1\.5 was not found/,
    );
    expect(settings().model).toBe('minilm');

    const fetch = await runCli(['model', 'fetch', '--model', 'bge-base'], { env });
    expect(fetch.code).toBe(1);
    expect(fetch.stderr).toMatch(/NOT_SUPPORTED: bge-base: Hippo does not pin the exact sizes and sha256/);
  });

  it('an interrupted switch leaves recall on words, and the next command carries the re-embedding on', async () => {
    expect((await runCli(['encode', 'greenhouse heater needs a new fuse'], { env })).code).toBe(0);
    const stop = new AbortController();
    stop.abort();
    const r = await runCli(['model', 'use', 'bge-base'], { env, signal: stop.signal });
    expect(r.code).toBe(1);
    // bge-base's vectors of the 70 unchanged facts come back; only the new fact waits.
    expect(r.stderr).toMatch(/: 70 facts' vectors restored from earlier use, 1 facts to embed/);
    expect(r.stderr).toContain('interrupted with 1 facts and labels still to embed');

    const during = json<RecallOutput>(await runCli(['recall', 'greenhouse heater fuse', '--json'], { env }));
    expect(during.mode).toBe('text-only');
    expect(during.results[0]).toMatchObject({
      content: 'greenhouse heater needs a new fuse',
      similarity: null,
    });
    // That recall's command embedded the waiting fact on its way out.
    expect(json<Stats>(await runCli(['stats', '--json'], { env }))).toMatchObject({
      mode: 'hybrid',
      pending_embeddings: 0,
    });
    const after = json<RecallOutput>(await runCli(['recall', 'greenhouse heater fuse', '--json'], { env }));
    expect(after.results[0]).toMatchObject({ similarity: expect.any(Number) });
  });
});
