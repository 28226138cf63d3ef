import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { FactsRepo } from '../../../src/main/memory/facts-repo';
import { openDb } from '../../../src/main/memory/open-db';
import { passagesOf } from '../../../src/main/memory/passages';
import { dot } from '../../../src/main/memory/vector';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../helpers/pg-server';

/**
 * Long content is embedded by passages (its vector is their mean, so text past the model's 256
 * tokens counts) and recalled as its fact with the best passage as the snippet, alike in SQLite
 * and Postgres, with and without the model.
 */
const GARDEN = [
  'The vegetable garden behind the house gets sun from early morning until late afternoon, and the soil there is heavy clay that holds water after every storm, so the raised beds were built two summers ago with cedar boards and filled with compost from the municipal yard.',
  'Tomatoes grow best in the south bed, where the fence keeps the wind off them; the cherry varieties ripen first, around the middle of July, and the large beefsteak ones follow in August if the nights stay warm enough and the plants are staked before they sprawl.',
  'Beans and peas go along the north fence on a trellis of string and bamboo canes, lettuce and radishes fill the gaps between slower crops, and garlic planted in October is lifted at the start of summer, dried in the shed, and braided for the kitchen.',
  'Watering is by hand in the evening with the long hose from the outside tap, mulch of straw keeps the beds from drying out during heat waves, and slugs are picked off by torchlight after rain because pellets would harm the hedgehogs that visit the garden.',
  'Seeds are saved each autumn in paper envelopes labelled with the year and the variety, stored in a tin box in the cool cupboard under the stairs, and the seed list for next spring is drawn up in January when the catalogues arrive in the post.',
].join(' ');
const PASSPORT =
  'Passport renewal: the embassy appointment is on the ninth at ten, bring the old passport, two photos and the printed confirmation email.';
const NOTE = `${GARDEN}\n\n${PASSPORT}`;
const QUERY = 'passport renewal embassy appointment photos';

describe('long content: passages and snippets', () => {
  let pg: PgTestServer;
  let embedder: EmbedderClient;

  beforeAll(async () => {
    pg = await startPgServer();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
  }, 120_000);

  afterAll(async () => {
    await embedder?.close();
    await pg?.close();
  });

  it('splits the note, the garden part alone being several passages', () => {
    const passages = passagesOf(NOTE);
    expect(passages.length).toBeGreaterThanOrEqual(3);
    expect(passages.at(-1)).toBe(PASSPORT);
  });

  for (const withModel of [true, false]) {
    it(`recalls the note by its last passage with that passage as the snippet (${withModel ? 'hybrid' : 'words only'}), alike in Postgres`, async () => {
      const space = withModel ? 'hybrid' : 'words';
      const sqlite = openLexicalMemory({ embedder: withModel ? embedder : null });
      const store = await PostgresStore.open({ url: pg.url, embedder: withModel ? embedder : null, space });
      try {
        const facts = [
          { content: NOTE, category: 'notes' },
          { content: 'Tomatoes need watering every evening in July.' },
          { content: 'The car insurance renews in March.' },
        ];
        const [note] = await sqlite.memory.encodeMany(facts);
        await store.encodeMany(facts);
        const a = await sqlite.memory.recall(QUERY, undefined, { trackAccess: false });
        const b = await store.recall(QUERY, undefined, { trackAccess: false });
        expect(a[0]!.fact_id).toBe(note!.id);
        expect(a[0]!.content).toBe(NOTE);
        expect(a[0]!.snippet).toBe(PASSPORT);
        // Short facts have no snippet.
        expect(a.slice(1).every((r) => r.snippet === undefined)).toBe(true);
        expect(b.map((r) => [r.content, r.snippet])).toEqual(a.map((r) => [r.content, r.snippet]));
        const garden = await sqlite.memory.recall('raised beds cedar compost clay', undefined, {
          trackAccess: false,
        });
        expect(garden[0]!.snippet).toContain('raised beds were built');

        if (withModel) {
          // The stored vector is the mean of the passages', so the passport passage (past the
          // model's 256 tokens) counts: the note is nearer the query than its truncated whole is.
          const { db } = openDb(sqlite.dbPath);
          try {
            const stored = new FactsRepo(db).getEmbedding(note!.id)!;
            const [q] = await embedder.embed([QUERY], { persist: false, query: true });
            const [truncated] = await embedder.embed([NOTE]);
            const parts = await embedder.embed(passagesOf(NOTE));
            const mean = new Float32Array(stored.length);
            for (const v of parts) v.forEach((x, i) => (mean[i]! += x));
            const norm = Math.hypot(...mean);
            mean.forEach((x, i) => (mean[i] = x / norm));
            stored.forEach((x, i) => expect(x).toBeCloseTo(mean[i]!, 5));
            expect(dot(q!, stored)).toBeGreaterThan(dot(q!, truncated!));
          } finally {
            db.close();
          }
        }
      } finally {
        await store.close();
        await sqlite.close();
      }
    }, 120_000);
  }
});
