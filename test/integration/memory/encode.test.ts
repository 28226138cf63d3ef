import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/shared/contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';

type Env = ReturnType<typeof openLexicalMemory>;

/** Every row of every user table, to prove a failed request changed nothing. */
function snapshot(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    return JSON.stringify(
      ['facts', 'labels', 'meta'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()),
    );
  } finally {
    db.close();
  }
}

describe('encode', () => {
  let env: Env;
  beforeEach(() => {
    env = openLexicalMemory();
  });
  afterEach(async () => env.close());

  it('creates a fact with defaults and returns its id', async () => {
    const r = await env.memory.encode({ content: 'My dentist is Dr. Okafor on Elm Street' });
    expect(r).toEqual({ id: expect.any(Number), status: 'created', label: null });
    const f = env.memory.get(r.id);
    expect(f).toMatchObject({
      content: 'My dentist is Dr. Okafor on Elm Street',
      category: 'general',
      confidence: 1,
    });
    expect(env.memory.mode).toBe('hybrid');
    expect((await env.memory.stats()).pending_embeddings).toBe(0);
  });

  it('an exact duplicate (case, spacing, final period) creates no row and raises confidence to the higher value', async () => {
    const a = await env.memory.encode({ content: 'I take my coffee black', confidence: 0.6 });
    const before = env.memory.get(a.id);
    const b = await env.memory.encode({ content: '  i take my   COFFEE black. ', confidence: 0.9 });
    expect(b).toEqual({ id: a.id, status: 'duplicate', label: null });
    const after = env.memory.get(a.id);
    expect(after.confidence).toBe(0.9);
    expect(after.content).toBe('I take my coffee black');
    expect(Date.parse(after.updated_at)).toBeGreaterThanOrEqual(Date.parse(before.updated_at));
    const lower = await env.memory.encode({ content: 'I take my coffee black', confidence: 0.1 });
    expect(lower.status).toBe('duplicate');
    expect(env.memory.get(a.id).confidence).toBe(0.9);
    expect(env.memory.list().total).toBe(1);
  });

  it('a near-duplicate in the same category merges and keeps the older wording as history', async () => {
    const a = await env.memory.encode({
      content:
        'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven',
      category: 'work',
      confidence: 0.7,
    });
    const b = await env.memory.encode({
      content:
        'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven sharp',
      category: 'work',
      confidence: 0.8,
    });
    // One extra word: a near- not an exact duplicate.
    expect(b).toEqual({ id: a.id, status: 'merged', label: null });
    const merged = env.memory.get(a.id);
    expect(merged.content).toBe(
      'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven sharp',
    );
    expect(merged.confidence).toBe(0.8);
    const history = env.memory.history(a.id);
    expect(history.map((h) => h.content)).toEqual([
      'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven',
    ]);
    expect(env.memory.list().total).toBe(1);
    const hits = await env.memory.recall('quarterly planning finance');
    expect(hits.map((h) => h.fact_id)).toEqual([a.id]);
  });

  it('merges near-duplicates inside one batch and between concurrent calls', async () => {
    const base =
      'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon in room seven';
    const batch = await env.memory.encodeMany([{ content: base }, { content: `${base} sharp` }]);
    expect(batch.map((r) => r.status)).toEqual(['created', 'merged']);
    expect(batch[1]!.id).toBe(batch[0]!.id);

    const other =
      'the annual family reunion at the lake house moved from the first weekend of july to the second weekend of august';
    const [a, b] = await Promise.all([
      env.memory.encode({ content: other }),
      env.memory.encode({ content: `${other} again` }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['created', 'merged']);
    expect(a.id).toBe(b.id);
    expect(env.memory.list().total).toBe(2);
  });

  it('near-duplicates in different categories stay separate', async () => {
    const a = await env.memory.encode({
      content: 'renew the passport before the trip to Lisbon',
      category: 'todo',
    });
    const b = await env.memory.encode({
      content: 'renew the passport before the trip to Lisbon soon',
      category: 'travel',
    });
    expect(b.status).toBe('created');
    expect(b.id).not.toBe(a.id);
  });

  it('finds or creates an explicit label and matches later facts to the nearest label by embedding', async () => {
    const a = await env.memory.encode({
      content: 'Biscuit the beagle needs his rabies shot',
      label: 'Biscuit',
    });
    expect(a.label).toBe('Biscuit');
    const b = await env.memory.encode({ content: 'Biscuit the beagle loves the park', label: 'biscuit' });
    expect(b.label).toBe('Biscuit');
    expect(env.memory.labelsList().map((l) => [l.name, l.fact_count])).toEqual([['Biscuit', 2]]);
    const c = await env.memory.encode({ content: 'Biscuit the beagle needs his rabies booster shot soon' });
    expect(c.label).toBe('Biscuit');
    const d = await env.memory.encode({
      content: 'quantum chromodynamics lattice simulations are expensive',
    });
    expect(d.label).toBeNull();
  });

  it('encodeMany writes one batch, removing duplicates inside it', async () => {
    const rs = await env.memory.encodeMany([
      { content: 'Alpha Centauri is the closest star system' },
      { content: 'Water boils at 100 degrees Celsius at sea level', category: 'science' },
      { content: 'alpha centauri is the closest star system.' },
    ]);
    expect(rs.map((r) => r.status)).toEqual(['created', 'created', 'duplicate']);
    expect(rs[2]!.id).toBe(rs[0]!.id);
    expect(env.memory.list().total).toBe(2);
  });

  it('rejects bad input with a clear error and leaves the data exactly as it was', async () => {
    await env.memory.encode({ content: 'something to keep', label: 'keep' });
    const before = snapshot(env.dbPath);
    const bad: Array<[unknown, RegExp]> = [
      [{ content: '' }, /content: content must not be empty/],
      [{ content: '   ' }, /content must not be empty/],
      [{ content: 'x'.repeat(LIMITS.contentMaxChars + 1) }, /at most 50000 characters/],
      [{ content: 'ok', confidence: 1.5 }, /confidence: confidence must be between 0 and 1/],
      [{ content: 'ok', confidence: -0.1 }, /confidence must be between 0 and 1/],
      [{ content: 'ok', colour: 'red' }, /unknown field\(s\): colour/],
      [{ content: 42 }, /content/],
      [{ content: 'ok', space: 'no spaces allowed' }, /space/],
      [{ content: 'ok', created_at: 'yesterday' }, /created_at/],
      ['just a string', /input/],
    ];
    for (const [input, message] of bad) {
      await expect(env.memory.encode(input)).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringMatching(message),
      });
    }
    await expect(
      env.memory.encodeMany([{ content: 'fine one' }, { content: 'bad one', confidence: 7 }]),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^facts\[1\]\.confidence/) });
    expect(snapshot(env.dbPath)).toBe(before);
  });

  it('keeps created_at when given, as ISO date-time or epoch ms', async () => {
    const a = await env.memory.encode({ content: 'born on a tuesday', created_at: '2020-02-04T10:00:00Z' });
    expect(env.memory.get(a.id).created_at).toBe('2020-02-04T10:00:00.000Z');
    const b = await env.memory.encode({ content: 'moved to Oslo', created_at: Date.UTC(2021, 5, 1) });
    expect(env.memory.get(b.id).created_at).toBe('2021-06-01T00:00:00.000Z');
  });
});

describe('update, forget, restore, purge, list', () => {
  let env: Env;
  beforeEach(() => {
    env = openLexicalMemory();
  });
  afterEach(async () => env.close());

  it('forget hides a fact from recall and list; restore brings it back; purge removes it for good', async () => {
    const a = await env.memory.encode({ content: 'the spare key is under the blue flowerpot' });
    expect((await env.memory.recall('spare key flowerpot')).map((r) => r.fact_id)).toEqual([a.id]);
    env.memory.forget(a.id);
    expect(await env.memory.recall('spare key flowerpot')).toEqual([]);
    expect(env.memory.list().total).toBe(0);
    expect(env.memory.list({ deleted: 'only' }).facts.map((f) => f.id)).toEqual([a.id]);
    env.memory.restore(a.id);
    expect((await env.memory.recall('spare key flowerpot')).map((r) => r.fact_id)).toEqual([a.id]);
    expect(() => env.memory.purge(a.id)).toThrow(/forget it first/);
    env.memory.forget(a.id);
    env.memory.purge(a.id);
    expect(() => env.memory.get(a.id)).toThrow(/no fact with id/);
    expect(env.memory.list({ deleted: 'include' }).total).toBe(0);
  });

  it('restoring a fact whose content came back meanwhile is refused', async () => {
    const a = await env.memory.encode({ content: 'gym on mondays' });
    env.memory.forget(a.id);
    const b = await env.memory.encode({ content: 'gym on mondays' });
    expect(b.status).toBe('created');
    expect(() => env.memory.restore(a.id)).toThrow(/already holds the same content/);
  });

  it('update edits fields, re-embeds new content and refuses unknown fields', async () => {
    const a = await env.memory.encode({ content: 'parking spot is level 2 row C' });
    const f = await env.memory.update(a.id, {
      content: 'parking spot is level 4 row F',
      category: 'car',
      confidence: 0.5,
    });
    expect(f).toMatchObject({ content: 'parking spot is level 4 row F', category: 'car', confidence: 0.5 });
    const hits = await env.memory.recall('level 4 row F', undefined, { category: 'car' });
    expect(hits[0]).toMatchObject({ fact_id: a.id });
    expect(hits[0]!.similarity).toBeGreaterThan(0.5);
    await expect(env.memory.update(a.id, { colour: 'red' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(env.memory.update(a.id, {})).rejects.toThrow(/nothing to update/);
    await expect(env.memory.update(9999, { category: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('list pages and filters', async () => {
    for (let i = 0; i < 12; i++)
      await env.memory.encode({
        content: `note number ${i} about topic ${i % 3}`,
        category: i % 2 ? 'odd' : 'even',
        confidence: i / 12,
        created_at: Date.UTC(2024, 0, i + 1),
      });
    const page1 = env.memory.list({ limit: 5 });
    expect(page1.total).toBe(12);
    expect(page1.facts).toHaveLength(5);
    expect(page1.facts[0]!.content).toBe('note number 11 about topic 2');
    const page3 = env.memory.list({ limit: 5, offset: 10 });
    expect(page3.facts.map((f) => f.content)).toEqual([
      'note number 1 about topic 1',
      'note number 0 about topic 0',
    ]);
    expect(env.memory.list({ category: 'odd' }).total).toBe(6);
    expect(env.memory.list({ minConfidence: 0.5 }).total).toBe(6);
    expect(env.memory.list({ since: '2024-01-05', until: '2024-01-07T00:00:00Z' }).total).toBe(3);
    expect(() => env.memory.list({ limit: 0 })).toThrow(/limit/);
  });
});
