import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openLexicalMemory } from '../../helpers/lexical-memory';

type Env = ReturnType<typeof openLexicalMemory>;

/** Every row of every user table, to prove a refused request changed nothing. */
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

/** A clock the test moves by hand, so as_of can name moments between writes. */
function manualClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
    at: (day: number) => Date.UTC(2026, 0, day),
  };
}

let env: Env;
afterEach(async () => env?.close());

describe('supersede', () => {
  it('encode with supersedes: the new fact is current, the old one kept, linked and out of recall and list', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const old = await m.encode({ content: 'Anna lives in Lisbon', label: 'anna' });
    const next = await m.encode({ content: 'Anna lives in Porto', label: 'anna', supersedes: old.id });
    expect(next).toEqual({ id: expect.any(Number), status: 'created', label: 'anna', supersedes: old.id });
    expect(m.list().facts.map((f) => f.content)).toEqual(['Anna lives in Porto']);
    expect((await m.recall('where does Anna live')).map((r) => r.content)).toEqual(['Anna lives in Porto']);
    expect(() => m.get(old.id)).toThrow(/no fact with id/);

    const history = m.history(next.id);
    expect(history).toEqual([
      expect.objectContaining({
        id: old.id,
        content: 'Anna lives in Lisbon',
        reason: 'superseded',
        superseded_by: next.id,
        label: 'anna',
      }),
    ]);
    expect(history[0]!.current_until).toEqual(history[0]!.superseded_at);
    // The old fact's history shows the newer version, current.
    expect(m.history(old.id)).toEqual([
      expect.objectContaining({ id: next.id, reason: null, current_until: null, superseded_at: null }),
    ]);
    expect((await m.stats()).facts).toBe(1);
  });

  it('follows a chain both ways, with earlier wordings marked edited', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const a = await m.encode({
      content:
        'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon',
      category: 'work',
    });
    // A near-duplicate merges: its older wording becomes an 'edited' version of the same fact.
    const merged = await m.encode({
      content:
        'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon today',
      category: 'work',
    });
    expect(merged).toMatchObject({ id: a.id, status: 'merged' });
    const b = await m.encode({
      content: 'the planning meeting is cancelled',
      category: 'work',
      supersedes: a.id,
    });
    const c = await m.encode({
      content: 'the planning meeting is back on friday',
      category: 'work',
      supersedes: b.id,
    });
    const versions = m.history(b.id);
    expect(versions.map((v) => [v.id, v.reason])).toEqual([
      [c.id, null],
      [a.id, 'superseded'],
      [expect.any(Number), 'edited'],
    ]);
    expect(versions[2]!.content).toMatch(/afternoon$/);
    expect(m.history(a.id).map((v) => v.id)).toEqual([c.id, b.id, versions[2]!.id]);
  });

  it('refuses an unknown, other-space, forgotten or already superseded fact, writing nothing', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const a = await m.encode({ content: 'Anna lives in Lisbon' });
    const elsewhere = await m.encode({ content: 'Anna lives in Faro', space: 'work' });
    const gone = await m.encode({ content: 'Bob lives in Berlin' });
    m.forget(gone.id);
    const b = await m.encode({ content: 'Anna lives in Porto', supersedes: a.id });
    const before = snapshot(env.dbPath);
    await expect(m.encode({ content: 'x y z', supersedes: 9999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'supersedes: no fact with id 9999 in space "personal"',
    });
    await expect(m.encode({ content: 'x y z', supersedes: elsewhere.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(m.encode({ content: 'Bob lives in Munich', supersedes: gone.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `supersedes: fact ${gone.id} is forgotten; restore it first`,
    });
    await expect(m.encode({ content: 'Anna lives in Braga', supersedes: a.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `supersedes: fact ${a.id} was already superseded by fact ${b.id}`,
    });
    await expect(m.encode({ content: 'x', supersedes: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    // In a batch, one bad item refuses the whole batch.
    await expect(
      m.encodeMany([
        { content: 'Carla lives in Rome' },
        { content: 'Anna lives in Braga', supersedes: a.id },
      ]),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^facts\[1\]\.supersedes:/),
    });
    expect(snapshot(env.dbPath)).toBe(before);
  });

  it('a replacement whose words are already stored supersedes by that fact; the same words as the old one are refused', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const old = await m.encode({ content: 'Anna lives in Lisbon' });
    const twin = await m.encode({ content: 'Anna lives in Porto' });
    const before = snapshot(env.dbPath);
    await expect(m.encode({ content: 'anna lives in lisbon.', supersedes: old.id })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `supersedes: fact ${old.id} already says this; there is nothing to replace`,
    });
    expect(snapshot(env.dbPath)).toBe(before);
    const r = await m.encode({ content: 'Anna lives in Porto.', supersedes: old.id });
    expect(r).toMatchObject({ id: twin.id, status: 'duplicate', supersedes: old.id });
    expect(m.list().facts.map((f) => f.id)).toEqual([twin.id]);
  });

  it('a replacement is never merged into a near-duplicate: it is created', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const text =
      'the quarterly planning meeting with finance and legal moved from tuesday morning to thursday afternoon';
    const old = await m.encode({ content: text });
    const r = await m.encode({ content: `${text} today`, supersedes: old.id });
    expect(r).toMatchObject({ status: 'created', supersedes: old.id });
    expect(r.id).not.toBe(old.id);
    expect(m.history(r.id).map((v) => [v.id, v.content, v.reason])).toEqual([[old.id, text, 'superseded']]);
  });

  it('supersede of an existing pair, and unsupersede (undo) making the old fact current again', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const old = await m.encode({ content: 'Anna lives in Lisbon' });
    const next = await m.encode({ content: 'Anna lives in Porto' });
    expect(m.supersede({ old_id: old.id, new_id: next.id })).toMatchObject({ id: next.id });
    expect(m.list().facts.map((f) => f.id)).toEqual([next.id]);
    expect(() => m.supersede({ old_id: old.id, new_id: next.id })).toThrow(/already superseded/);
    expect(() => m.supersede({ old_id: next.id, new_id: next.id })).toThrow(/cannot supersede itself/);
    expect(() => m.supersede({ old_id: next.id, new_id: 999 })).toThrow(/new_id: no fact with id 999/);
    expect(() => m.unsupersede(next.id)).toThrow(/is not superseded/);

    expect(m.unsupersede(old.id)).toMatchObject({ id: old.id, superseded_by: null, superseded_at: null });
    // Undo leaves both current, as "keep both" would have.
    expect(
      m
        .list()
        .facts.map((f) => f.id)
        .sort(),
    ).toEqual([old.id, next.id].sort());
    expect(m.history(old.id)).toEqual([]);
    expect(() => m.unsupersede(old.id)).toThrow(/is not superseded/);
  });

  it('unsupersede refuses when another current fact holds the same words', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const old = await m.encode({ content: 'Anna lives in Lisbon' });
    await m.encode({ content: 'Anna lives in Porto', supersedes: old.id });
    const again = await m.encode({ content: 'Anna lives in Lisbon' });
    expect(again.status).toBe('created');
    expect(() => m.unsupersede(old.id)).toThrow(
      `fact ${old.id} cannot be made current again: fact ${again.id} already holds the same content`,
    );
  });

  it('purging the newer fact makes the one it replaced current again', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const old = await m.encode({ content: 'Anna lives in Lisbon' });
    const next = await m.encode({ content: 'Anna lives in Porto', supersedes: old.id });
    m.forget(next.id);
    expect(m.list().total).toBe(0);
    m.purge(next.id);
    expect(m.list().facts.map((f) => [f.id, f.superseded_at])).toEqual([[old.id, null]]);
  });
});

describe('as_of', () => {
  it('recall and list answer from what was current then', async () => {
    const clock = manualClock();
    env = openLexicalMemory({ now: clock.now });
    const m = env.memory;
    clock.set(clock.at(1));
    const lisbon = await m.encode({ content: 'Anna lives in Lisbon' });
    clock.set(clock.at(2));
    const cat = await m.encode({ content: 'Anna has a cat named Miso' });
    clock.set(clock.at(5));
    const porto = await m.encode({ content: 'Anna lives in Porto', supersedes: lisbon.id });
    clock.set(clock.at(7));
    m.forget(cat.id);

    const recallAt = async (asOf?: string) =>
      (await m.recall('Anna lives', undefined, asOf ? { as_of: asOf } : {})).map((r) => r.fact_id).sort();
    expect(await recallAt()).toEqual([porto.id]);
    expect(await recallAt('2026-01-03')).toEqual([lisbon.id, cat.id].sort());
    expect(await recallAt('2026-01-06')).toEqual([porto.id, cat.id].sort());
    expect(await recallAt('2026-01-08T00:00:00Z')).toEqual([porto.id]);
    expect(await recallAt('2025-12-31')).toEqual([]);
    // Vector-found results carry their similarity in the past too.
    const past = await m.recall('Anna lives in Lisbon', undefined, { as_of: '2026-01-03' });
    expect(past[0]).toMatchObject({ fact_id: lisbon.id, similarity: expect.any(Number) });
    expect(past[0]!.similarity!).toBeGreaterThan(0.9);

    const listAt = (asOf: number) => m.list({ as_of: asOf }).facts.map((f) => f.id);
    expect(listAt(clock.at(3))).toEqual([cat.id, lisbon.id]);
    expect(listAt(clock.at(6))).toEqual([porto.id, cat.id]);
    expect(m.list({ as_of: clock.at(6), category: 'general' }).total).toBe(2);
    expect(() => m.list({ as_of: clock.at(6), deleted: 'include' })).toThrow(/deleted: as_of/);
    expect(() => m.list({ as_of: 'yesterday' })).toThrow(/as_of: must be an ISO 8601/);
    // A restored fact counts as never forgotten; an unsuperseded one as never superseded.
    m.restore(cat.id);
    m.unsupersede(lisbon.id);
    expect(listAt(clock.at(6)).sort()).toEqual([lisbon.id, porto.id, cat.id].sort());
  });

  it('works text-only as well (words through FTS5)', async () => {
    const clock = manualClock();
    env = openLexicalMemory({ embedder: null, now: clock.now });
    const m = env.memory;
    clock.set(clock.at(1));
    const lisbon = await m.encode({ content: 'Anna lives in Lisbon' });
    clock.set(clock.at(5));
    const porto = await m.encode({ content: 'Anna lives in Porto', supersedes: lisbon.id });
    expect((await m.recall('Anna', undefined, { as_of: clock.at(2) })).map((r) => r.fact_id)).toEqual([
      lisbon.id,
    ]);
    expect((await m.recall('Anna')).map((r) => r.fact_id)).toEqual([porto.id]);
  });
});

describe('possible updates', () => {
  it('"Anna lives in Porto" after "Anna lives in Lisbon" is a possible update; unrelated facts are not', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    const lisbon = await m.encode({ content: 'Anna lives in Lisbon' });
    await m.encode({ content: 'Bob lives in Berlin' });
    await m.encode({ content: 'My dentist is Dr. Okafor on Elm Street' });
    await m.encode({ content: 'Paris is the capital of France' });
    const porto = await m.encode({ content: 'Anna lives in Porto' });
    expect(porto).toMatchObject({
      status: 'created',
      possible_updates: [
        {
          id: lisbon.id,
          content: 'Anna lives in Lisbon',
          similarity: expect.any(Number),
          reason: 'same_category',
        },
      ],
    });
    const sim = porto.possible_updates![0]!.similarity;
    expect(sim).toBeGreaterThanOrEqual(0.55);
    expect(sim).toBeLessThan(0.95);
    // Unrelated: nothing to offer.
    const unrelated = await m.encode({ content: 'Berlin is the capital of Germany' });
    expect(unrelated).toEqual({ id: expect.any(Number), status: 'created', label: null });
    // An exact duplicate is a duplicate, not an update.
    expect(await m.encode({ content: 'Anna lives in Lisbon.' })).toEqual({
      id: lisbon.id,
      status: 'duplicate',
      label: null,
    });
  });

  it('needs the same label or category; the same label is named first', async () => {
    env = openLexicalMemory();
    const m = env.memory;
    await m.encode({ content: 'The team standup is at 9am', category: 'work' });
    const other = await m.encode({ content: 'The team standup is at 10am', category: 'home' });
    expect(other.possible_updates).toBeUndefined();
    const a = await m.encode({ content: 'My favourite colour is blue', category: 'prefs', label: 'colours' });
    const b = await m.encode({
      content: 'My favourite colour is green',
      category: 'other',
      label: 'colours',
    });
    expect(b.possible_updates).toEqual([expect.objectContaining({ id: a.id, reason: 'same_label' })]);
    // With supersedes given, none are offered: the caller already said what it replaces.
    const c = await m.encode({ content: 'My favourite colour is red', label: 'colours', supersedes: b.id });
    expect(c.possible_updates).toBeUndefined();
  });

  it('text-only: the word rule (same beginning, different ending)', async () => {
    env = openLexicalMemory({ embedder: null });
    const m = env.memory;
    const lisbon = await m.encode({ content: 'Anna lives in Lisbon' });
    await m.encode({ content: 'Bob lives in Berlin' });
    await m.encode({ content: 'Anna works at a bakery' });
    const porto = await m.encode({ content: 'Anna lives in Porto' });
    expect(m.mode).toBe('text-only');
    expect(porto.possible_updates).toEqual([
      { id: lisbon.id, content: 'Anna lives in Lisbon', similarity: 0.6, reason: 'same_category' },
    ]);
    expect((await m.encode({ content: 'Anna likes green tea' })).possible_updates).toBeUndefined();
  });
});

describe('the update band on the lexical model', () => {
  it('pairs that differ in their object fall in [updateThreshold, mergeThreshold); different subjects below', async () => {
    env = openLexicalMemory();
    const embed = async (a: string, b: string) => {
      const [x, y] = await env.embedder!.embed([a, b]);
      return x!.reduce((s, v, i) => s + v * y![i]!, 0);
    };
    const updates: Array<[string, string]> = [
      ['Anna lives in Lisbon', 'Anna lives in Porto'],
      ['My favourite colour is blue', 'My favourite colour is green'],
      ['The team standup is at 9am', 'The team standup is at 10am'],
      ['Project Falcon deadline is March 3', 'Project Falcon deadline is April 10'],
    ];
    const unrelated: Array<[string, string]> = [
      ['Anna lives in Lisbon', 'Bob lives in Berlin'],
      ['Anna lives in Lisbon', 'Anna works at a bakery'],
      ['Paris is the capital of France', 'Berlin is the capital of Germany'],
      ['I take my coffee black', 'Anna lives in Lisbon'],
    ];
    for (const [a, b] of updates) {
      const c = await embed(a, b);
      expect(c, `${a} / ${b}`).toBeGreaterThanOrEqual(0.55);
      expect(c, `${a} / ${b}`).toBeLessThan(0.95);
    }
    for (const [a, b] of unrelated) expect(await embed(a, b), `${a} / ${b}`).toBeLessThan(0.55);
  });
});
