import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EncodeOutput } from '../../../src/cli/encode-command';
import type { RecallOutput } from '../../../src/cli/recall-command';
import { json, LEXICAL_MODEL, runCli, sandbox, type Sandbox } from './cli-harness';

// First run offline: HIPPO_MODEL_DIR is an empty folder and HIPPO_HOME holds no model.
let box: Sandbox;
beforeEach(() => {
  box = sandbox('none');
});
afterEach(() => box.cleanup());

describe('text-only mode (no model)', () => {
  it('encode and recall still work, by words, and --json says "mode": "text-only"', async () => {
    for (const fact of [
      'The spare key is under the blue flowerpot',
      'Grandma birthday is in June',
      'Flowerpot soil needs water weekly',
    ]) {
      const r = await runCli(['encode', fact, '--json'], { env: box.env });
      expect(r.code).toBe(0);
      expect(json<EncodeOutput>(r)).toMatchObject({ status: 'created', mode: 'text-only' });
      expect(r.stderr).toBe('');
    }
    const r = await runCli(['recall', 'where is the spare key?', '--json'], { env: box.env });
    expect(r.code).toBe(0);
    const out = json<RecallOutput>(r);
    expect(out.mode).toBe('text-only');
    expect(out.results[0]).toMatchObject({
      content: 'The spare key is under the blue flowerpot',
      similarity: null,
    });
    const pots = json<RecallOutput>(await runCli(['recall', 'flowerpot', '--json'], { env: box.env }));
    expect(pots.results.map((x) => x.content).sort()).toEqual([
      'Flowerpot soil needs water weekly',
      'The spare key is under the blue flowerpot',
    ]);
    const none = await runCli(['recall', 'quantum chromodynamics'], { env: box.env });
    expect(none).toMatchObject({ code: 0, stdout: 'No matching facts.\n' });
  });

  it('prints a one-line notice on a terminal only, naming `hippo model fetch`', async () => {
    const tty = await runCli(['encode', 'Notice me'], { env: box.env, isTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toBe(
      'hippo: text-only mode: no embedding model is installed, so facts are matched by their words only. ' +
        'Run `hippo model fetch` to enable meaning-based recall.\n',
    );
    const recall = await runCli(['recall', 'notice'], { env: box.env, isTTY: true });
    expect(recall.stderr).toContain('text-only mode');
    expect(recall.stdout).toMatch(/^ 1\. \d\.\d{3} {2}Notice me {2}\[general · no label · #\d+\]\n$/);
    const pipe = await runCli(['recall', 'notice'], { env: box.env, isTTY: false });
    expect(pipe.stderr).toBe('');
    // Commands that never use the model stay quiet.
    expect((await runCli(['list'], { env: box.env, isTTY: true })).stderr).toBe('');
  });

  it('once the model is there, the next commands embed the facts stored without it', async () => {
    for (const fact of ['The boiler service is due in October', 'Bike lock code is 4471'])
      expect((await runCli(['encode', fact], { env: box.env })).code).toBe(0);
    const pending = (env: Record<string, string | undefined>) =>
      runCli(['stats', '--json'], { env }).then((r) => json<{ pending_embeddings: number; mode: string }>(r));
    expect(await pending(box.env)).toMatchObject({ pending_embeddings: 2, mode: 'text-only' });
    const withModel = { ...box.env, HIPPO_MODEL_DIR: LEXICAL_MODEL };
    const r = json<RecallOutput>(await runCli(['recall', 'boiler service', '--json'], { env: withModel }));
    expect(r.mode).toBe('hybrid');
    expect(await pending(withModel)).toMatchObject({ pending_embeddings: 0, mode: 'hybrid' });
    const again = json<RecallOutput>(
      await runCli(['recall', 'when is the boiler due', '--json'], { env: withModel }),
    );
    expect(again.results[0]!.similarity).toBeGreaterThan(0.3);
  });
});
