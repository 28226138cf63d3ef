import { describe, expect, it } from 'vitest';
import {
  changedAt,
  keptEmbedding,
  sameFact,
  sameFactContent,
  wins,
} from '../../../src/main/sync/sync-conflicts';
import type { SyncFact } from '../../../src/main/sync/sync-rows';

const fact = (over: Partial<SyncFact> = {}): SyncFact => ({
  uid: '00000000-0000-4000-8000-000000000001',
  space: 'personal',
  content: 'The boiler is serviced every October',
  content_hash: 'h',
  category: 'home',
  confidence: 0.8,
  label_uid: null,
  source: null,
  created_at: 1000,
  updated_at: 2000,
  deleted_at: null,
  superseded_by: null,
  superseded_at: null,
  supersede_reason: null,
  embedding: null,
  embedded_model: null,
  version: 2,
  origin_device: 'device-a',
  ...over,
});

describe('last writer wins', () => {
  it('a forget counts from when it happened; a restore from its updated_at', () => {
    expect(changedAt(fact())).toBe(2000);
    expect(changedAt(fact({ deleted_at: 3000 }))).toBe(3000);
    expect(changedAt(fact({ updated_at: 4000, deleted_at: null }))).toBe(4000);
  });

  it('the later change wins, then the higher version, then the greater device id; never both ways', () => {
    const cases: Array<[SyncFact, SyncFact]> = [
      [fact({ updated_at: 2001 }), fact()],
      [fact({ deleted_at: 2500 }), fact({ updated_at: 2400 })],
      [fact({ version: 3 }), fact({ version: 2, origin_device: 'device-z' })],
      [fact({ origin_device: 'device-b' }), fact({ origin_device: 'device-a' })],
    ];
    for (const [winner, loser] of cases) {
      expect(wins(winner, loser)).toBe(true);
      expect(wins(loser, winner)).toBe(false);
    }
  });
});

describe('comparing rows', () => {
  it('confidence is compared at the 4-byte precision Postgres keeps', () => {
    const sent = fact({ confidence: 0.123456789 });
    const back = fact({ confidence: Number(Math.fround(0.123456789).toPrecision(9)) });
    expect(sameFact(sent, back)).toBe(true);
    expect(sameFact(sent, fact({ confidence: 0.1234 }))).toBe(false);
  });

  it('content that says the same needs no history copy even when versions and times differ', () => {
    expect(sameFactContent(fact(), fact({ version: 9, updated_at: 9999, origin_device: 'x' }))).toBe(true);
    expect(sameFact(fact(), fact({ updated_at: 9999 }))).toBe(false);
    expect(sameFactContent(fact(), fact({ deleted_at: 5 }))).toBe(false);
    expect(sameFactContent(fact(), fact({ label_uid: '00000000-0000-4000-8000-000000000009' }))).toBe(false);
  });

  it('the kept vector is the winner’s, else the loser’s when it embeds the same words', () => {
    const v = new Float32Array([1, 0]);
    const w = new Float32Array([0, 1]);
    expect(
      keptEmbedding(fact({ embedding: v, embedded_model: 'm' }), fact({ embedding: w, embedded_model: 'm' })),
    ).toEqual({
      embedding: v,
      embedded_model: 'm',
    });
    expect(keptEmbedding(fact(), fact({ embedding: w, embedded_model: 'm' }))).toEqual({
      embedding: w,
      embedded_model: 'm',
    });
    expect(
      keptEmbedding(fact(), fact({ content: 'other words', embedding: w, embedded_model: 'm' })),
    ).toEqual({
      embedding: null,
      embedded_model: null,
    });
  });
});
