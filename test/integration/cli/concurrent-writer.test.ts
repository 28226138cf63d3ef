import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEmbedder } from '../../../src/main/embedder/embedder-client';
import { Memory } from '../../../src/main/memory/memory';
import { LEXICAL_MODEL, runBin, sandbox, type Sandbox } from './cli-harness';

/**
 * The app keeps its search indexes in memory; the CLI is another process writing the same file.
 * What the CLI writes, forgets or edits must show in the app's next recall, without a restart.
 */
describe('a memory open in one process while the hippo CLI writes the same database', () => {
  let box: Sandbox;
  afterEach(() => box.cleanup());

  it('recalls what the CLI encodes and stops recalling what it forgets', async () => {
    box = sandbox('lexical');
    const embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL, threads: 1 });
    const app = Memory.open({ dbPath: box.db, embedder });
    try {
      await app.encode({ content: 'the spare key is under the blue flowerpot' });
      expect((await app.recall('spare key')).map((r) => r.content)).toHaveLength(1);

      const added = await runBin(['encode', 'the bike lock code is 4711', '--json'], { env: box.env });
      expect(added.code).toBe(0);
      const id = (JSON.parse(added.stdout) as { id: number }).id;
      const found = await app.recall('bike lock code');
      expect(found[0]?.fact_id).toBe(id);
      expect(found[0]?.similarity).not.toBeNull();

      const forgot = await runBin(['forget', String(id), '--json'], { env: box.env });
      expect(forgot.code).toBe(0);
      expect((await app.recall('bike lock code')).map((r) => r.fact_id)).not.toContain(id);
    } finally {
      await app.close();
      await embedder.close();
    }
  });
});
