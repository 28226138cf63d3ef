import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { PostgresStore } from '../../../src/main/sync/postgres-store';
import { syncWithPostgres } from '../../../src/main/sync/sync-engine';
import type { FactVersion } from '../../../src/shared/contract';
import { HippoError } from '../../../src/shared/errors';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { idOf, manualClock, openDevice, openRemote, uidOf, type Device } from './sync-helpers';

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(HippoError);
    return { code: (e as HippoError).code, message: (e as HippoError).message };
  }
  throw new Error('expected a HippoError');
}

/** A version without the ids and times each store keeps for itself. */
const seen = (v: FactVersion) => ({
  content: v.content,
  reason: v.reason,
  current: v.current_until === null,
});

describe('Postgres store: supersede, possible updates, as_of and history as in SQLite', () => {
  let remote: Awaited<ReturnType<typeof openRemote>>;
  let embedder: EmbedderClient;
  let store: PostgresStore;
  const clock = manualClock(Date.UTC(2026, 0, 1));
  beforeAll(async () => {
    remote = await openRemote();
    embedder = createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
    store = await PostgresStore.open({ url: remote.server.url, embedder, device: 'pg-test', now: clock.now });
  });
  afterAll(async () => {
    await store?.close();
    await embedder?.close();
    await remote?.close();
  });

  it('answers every step as SQLite does', async () => {
    const sqliteClock = manualClock(Date.UTC(2026, 0, 1));
    const sqlite = openLexicalMemory({ now: sqliteClock.now });
    const space = 'parity';
    const both = async <T>(
      step: (s: PostgresStore | typeof sqlite.memory) => Promise<T> | T,
    ): Promise<[T, T]> => [await step(store), await step(sqlite.memory)];
    const at = (day: number) => {
      clock.set(Date.UTC(2026, 0, day));
      sqliteClock.set(Date.UTC(2026, 0, day));
    };
    try {
      at(1);
      const [pgLisbon, sqLisbon] = await both((s) => s.encode({ content: 'Anna lives in Lisbon', space }));
      await both((s) => s.encode({ content: 'Bob lives in Berlin', space }));
      at(3);
      const [pgPorto, sqPorto] = await both((s) => s.encode({ content: 'Anna lives in Porto', space }));
      // The same possible update (the ids differ: each store has its own).
      expect(pgPorto.possible_updates?.map((u) => [u.content, u.reason])).toEqual([
        ['Anna lives in Lisbon', 'same_category'],
      ]);
      expect(sqPorto.possible_updates?.map((u) => [u.content, u.reason])).toEqual([
        ['Anna lives in Lisbon', 'same_category'],
      ]);
      expect(pgPorto.possible_updates![0]!.id).toBe(pgLisbon.id);
      expect(pgPorto.possible_updates![0]!.similarity).toBeCloseTo(
        sqPorto.possible_updates![0]!.similarity,
        5,
      );

      at(5);
      await store.supersede({ old_id: pgLisbon.id, new_id: pgPorto.id, space });
      sqlite.memory.supersede({ old_id: sqLisbon.id, new_id: sqPorto.id, space });
      // The same refusals, word for word but the ids.
      const [pgAgain, sqAgain] = [
        await refusal(store.supersede({ old_id: pgLisbon.id, new_id: pgPorto.id, space })),
        await refusal(
          Promise.resolve().then(() =>
            sqlite.memory.supersede({ old_id: sqLisbon.id, new_id: sqPorto.id, space }),
          ),
        ),
      ];
      expect(pgAgain.code).toBe(sqAgain.code);
      expect(pgAgain.message).toBe(
        `old_id: fact ${pgLisbon.id} was already superseded by fact ${pgPorto.id}`,
      );
      expect(
        await refusal(store.encode({ content: 'Anna lives in Braga', supersedes: pgLisbon.id, space })),
      ).toEqual({
        code: 'BAD_INPUT',
        message: `supersedes: fact ${pgLisbon.id} was already superseded by fact ${pgPorto.id}`,
      });
      expect(await refusal(store.encode({ content: 'x', supersedes: 99999, space }))).toEqual({
        code: 'NOT_FOUND',
        message: `supersedes: no fact with id 99999 in space "${space}"`,
      });

      at(7);
      const [pgFaro, sqFaro] = await both((s) =>
        s.encode({ content: 'Anna lives in Faro', space, supersedes: s === store ? pgPorto.id : sqPorto.id }),
      );
      expect(pgFaro).toMatchObject({ status: 'created', supersedes: pgPorto.id });
      expect(sqFaro).toMatchObject({ status: 'created', supersedes: sqPorto.id });

      const [pgHist, sqHist] = await both((s) => s.history(s === store ? pgPorto.id : sqPorto.id, { space }));
      expect(pgHist.map(seen)).toEqual(sqHist.map(seen));
      expect(pgHist.map(seen)).toEqual([
        { content: 'Anna lives in Faro', reason: null, current: true },
        { content: 'Anna lives in Lisbon', reason: 'superseded', current: false },
      ]);
      expect(pgHist[1]!.current_until).toBe(new Date(Date.UTC(2026, 0, 5)).toISOString());

      // as_of: recall and list alike.
      for (const [day, expected] of [
        [2, ['Anna lives in Lisbon']],
        [4, ['Anna lives in Lisbon', 'Anna lives in Porto']],
        [6, ['Anna lives in Porto']],
        [8, ['Anna lives in Faro']],
      ] as const) {
        const asOf = Date.UTC(2026, 0, day);
        const [pgR, sqR] = await both((s) => s.recall('Anna lives', undefined, { space, as_of: asOf }));
        const anna = (rs: Array<{ content: string }>) =>
          rs
            .map((r) => r.content)
            .filter((c) => c.startsWith('Anna'))
            .sort();
        expect(anna(pgR)).toEqual([...expected].sort());
        expect(anna(sqR)).toEqual([...expected].sort());
        expect(pgR.map((r) => r.content)).toEqual(sqR.map((r) => r.content));
        const [pgL, sqL] = await both((s) => s.list({ space, as_of: asOf }));
        expect(pgL.facts.map((f) => f.content)).toEqual(sqL.facts.map((f) => f.content));
      }

      // Undo: Porto is current again beside Faro, in both.
      await store.unsupersede(pgPorto.id, { space });
      sqlite.memory.unsupersede(sqPorto.id, { space });
      const [pgNow, sqNow] = await both((s) => s.list({ space }));
      expect(pgNow.facts.map((f) => f.content)).toEqual(sqNow.facts.map((f) => f.content));
      expect(pgNow.facts.map((f) => f.content).sort()).toEqual([
        'Anna lives in Faro',
        'Anna lives in Porto',
        'Bob lives in Berlin',
      ]);
      expect((await refusal(store.unsupersede(pgPorto.id, { space }))).message).toBe(
        `fact ${pgPorto.id} is not superseded; there is nothing to undo`,
      );
    } finally {
      await sqlite.close();
    }
  });
});

describe('sync carries supersedes both ways', () => {
  let remote: Awaited<ReturnType<typeof openRemote>>;
  let a: Device;
  let b: Device;
  beforeAll(async () => {
    remote = await openRemote();
    a = await openDevice();
    b = await openDevice();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await remote?.close();
  });
  const sync = (d: Device) => syncWithPostgres(d.memory, remote.pool, { url: remote.server.url });

  it('a supersede, its time and its undo reach the other device', async () => {
    a.clock.set(Date.UTC(2026, 1, 1));
    const old = await a.memory.encode({ content: 'The office wifi password is tulip42' });
    a.clock.set(Date.UTC(2026, 1, 10));
    const next = await a.memory.encode({
      content: 'The office wifi password is daisy77',
      supersedes: old.id,
    });
    await sync(a);
    const remoteRow = await remote.pool.query<{ superseded_at: string; supersede_reason: string }>(
      'SELECT superseded_at, supersede_reason FROM facts WHERE uid = $1',
      [uidOf(a.memory, old.id)],
    );
    expect(remoteRow.rows[0]).toEqual({
      superseded_at: String(Date.UTC(2026, 1, 10)),
      supersede_reason: 'superseded',
    });

    await sync(b);
    const bOld = idOf(b.memory, uidOf(a.memory, old.id));
    const bNext = idOf(b.memory, uidOf(a.memory, next.id));
    expect(b.memory.list().facts.map((f) => f.id)).toEqual([bNext]);
    expect(b.memory.history(bNext)).toEqual([
      expect.objectContaining({
        id: bOld,
        reason: 'superseded',
        superseded_at: new Date(Date.UTC(2026, 1, 10)).toISOString(),
      }),
    ]);
    const asOf = Date.UTC(2026, 1, 5);
    expect(
      (await b.memory.recall('office wifi password', undefined, { as_of: asOf })).map((r) => r.fact_id),
    ).toEqual([bOld]);

    // Undone on B, the undo travels back to A.
    b.clock.set(Date.UTC(2026, 1, 20));
    b.memory.unsupersede(bOld);
    await sync(b);
    await sync(a);
    expect(
      a.memory
        .list()
        .facts.map((f) => f.id)
        .sort(),
    ).toEqual([old.id, next.id].sort());
    expect(a.memory.history(old.id)).toEqual([]);
  });
});
