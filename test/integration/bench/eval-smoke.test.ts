import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EvalResultSchema } from '../../../bench/eval';
import { makeTempDir } from '../../helpers/temp-dir';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function runEval(
  args: string[],
): Promise<{ stdout: string; result: ReturnType<typeof EvalResultSchema.parse> }> {
  const tmp = makeTempDir('hippo-eval-smoke-');
  cleanups.push(tmp.cleanup);
  const out = path.join(tmp.dir, 'eval.json');
  const env = { ...process.env };
  delete env.HIPPO_MODEL_DIR;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'bench/eval.ts', ...args, '--out', out],
    {
      cwd: repoRoot,
      env,
      maxBuffer: 16 * 2 ** 20,
    },
  );
  expect(fs.readFileSync(out.replace(/\.json$/, '.md'), 'utf8')).toContain(
    '| ranking | nDCG@10 | Recall@10 | Recall@100 |',
  );
  return { stdout, result: EvalResultSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8'))) };
}

describe('tsx bench/eval.ts (npm run eval)', () => {
  it(
    'grades the word path alone over the whole SciFact corpus when no model is given',
    { timeout: 120_000 },
    async () => {
      const { stdout, result } = await runEval(['--queries', '60']);
      expect(result.model).toBeNull();
      expect(result.docs).toBe(5183);
      expect(result.queries).toBe(60);
      expect(Object.keys(result.scores)).toEqual(['text']);
      const t = result.scores.text;
      // Far from random on this data (a random ranking of 5,183 abstracts scores about 0.002).
      expect(t.ndcgAt10).toBeGreaterThan(0.5);
      expect(t.recallAt100).toBeGreaterThanOrEqual(t.recallAt10);
      expect(result.targets).toEqual([{ config: 'text', target: 0.69, pass: t.ndcgAt10 >= 0.69 }]);
      expect(stdout).toContain('model: none (word path only');
    },
  );

  it(
    'grades the vector path and hybrid too with a model, and says the twin ranks at random',
    { timeout: 120_000 },
    async () => {
      const { stdout, result } = await runEval(['--model', 'twin-int8', '--queries', '8', '--docs', '100']);
      expect(result.model?.name).toBe('twin-int8');
      // The first 100 abstracts plus every abstract relevant to the 8 queries.
      expect(result.docs).toBeGreaterThan(100);
      expect(result.docs).toBeLessThan(130);
      for (const config of ['text', 'vector', 'hybrid'] as const) {
        const s = result.scores[config]!;
        expect(s.queries, config).toBe(8);
        expect(s.recallAt100, config).toBeGreaterThanOrEqual(s.recallAt10);
      }
      // At depth 100 of ~110 documents every path finds nearly every relevant abstract.
      expect(result.scores.vector!.recallAt100).toBeGreaterThan(0.8);
      // The hybrid target applies only to the real model.
      expect(result.targets.map((t) => t.config)).toEqual(['text']);
      expect(stdout).toContain('random weights, so its vector and hybrid rankings mean nothing');
    },
  );

  it('names a bad flag', async () => {
    await expect(
      run(process.execPath, ['--import', 'tsx', 'bench/eval.ts', '--model', 'gpt'], { cwd: repoRoot }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--model: one of twin, twin-int8, real, none, got "gpt"'),
    });
  });
});
