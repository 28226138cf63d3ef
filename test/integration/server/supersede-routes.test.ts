import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodeResult, Fact, FactVersion, ListResult, SearchResult } from '../../../src/shared/contract';
import { api, startTestServer, type TestServer } from './server-harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('HTTP API: supersede, history, as_of', () => {
  it('encode takes supersedes and answers possible_updates; history, unsupersede and as_of follow', async () => {
    const lisbon = (
      await api(t, 'POST', '/api/v1/encode', { content: 'Anna lives in Lisbon' })
    ).json<EncodeResult>();
    const porto = await api(t, 'POST', '/api/v1/encode', { content: 'Anna lives in Porto' });
    expect(porto.status).toBe(200);
    const p = porto.json<EncodeResult>();
    expect(p.possible_updates).toEqual([
      {
        id: lisbon.id,
        content: 'Anna lives in Lisbon',
        similarity: expect.any(Number),
        reason: 'same_category',
      },
    ]);

    const sup = await api(t, 'POST', '/api/v1/supersede', { old_id: lisbon.id, new_id: p.id });
    expect(sup.status).toBe(200);
    expect(sup.json<Fact>()).toMatchObject({ id: p.id, content: 'Anna lives in Porto' });
    const again = await api(t, 'POST', '/api/v1/supersede', { old_id: lisbon.id, new_id: p.id });
    expect(again.status).toBe(400);
    expect(again.json<{ error: { code: string; message: string } }>().error).toEqual({
      code: 'BAD_INPUT',
      message: `old_id: fact ${lisbon.id} was already superseded by fact ${p.id}`,
    });
    expect((await api(t, 'POST', '/api/v1/supersede', { old_id: 1 })).status).toBe(400);

    const history = await api(t, 'GET', `/api/v1/facts/${p.id}/history`);
    expect(history.status).toBe(200);
    expect(history.json<{ facts: FactVersion[] }>().facts).toEqual([
      expect.objectContaining({ id: lisbon.id, reason: 'superseded', superseded_by: p.id }),
    ]);
    // A superseded fact's own history shows what replaced it.
    const older = await api(t, 'GET', `/api/v1/facts/${lisbon.id}/history`);
    expect(older.json<{ facts: FactVersion[] }>().facts.map((v) => [v.id, v.reason])).toEqual([[p.id, null]]);
    expect((await api(t, 'GET', '/api/v1/facts/99999/history')).status).toBe(404);

    const supersededAt = history.json<{ facts: FactVersion[] }>().facts[0]!.superseded_at!;
    const before = new Date(Date.parse(supersededAt) - 1).toISOString();
    const past = await api(t, 'POST', '/api/v1/recall', { query: 'Anna lives', as_of: before });
    expect(
      past
        .json<{ results: SearchResult[] }>()
        .results.map((r) => r.fact_id)
        .sort(),
    ).toEqual([lisbon.id, p.id].sort());
    const nowAnswer = await api(t, 'POST', '/api/v1/recall', { query: 'Anna lives' });
    expect(nowAnswer.json<{ results: SearchResult[] }>().results.map((r) => r.fact_id)).toEqual([p.id]);
    const listed = await api(t, 'GET', `/api/v1/facts?as_of=${encodeURIComponent(before)}`);
    expect(listed.status).toBe(200);
    expect(listed.json<ListResult>().total).toBe(2);
    expect((await api(t, 'POST', '/api/v1/recall', { query: 'Anna', as_of: 'last week' })).status).toBe(400);

    const undo = await api(t, 'POST', `/api/v1/facts/${lisbon.id}/unsupersede`);
    expect(undo.status).toBe(200);
    expect(undo.json<Fact>()).toMatchObject({ id: lisbon.id, superseded_by: null, superseded_at: null });
    expect((await api(t, 'POST', `/api/v1/facts/${lisbon.id}/unsupersede`)).status).toBe(400);

    // One step: encode with supersedes.
    const faro = await api(t, 'POST', '/api/v1/encode', { content: 'Anna lives in Faro', supersedes: p.id });
    expect(faro.json<EncodeResult>()).toMatchObject({ status: 'created', supersedes: p.id });
    const unknown = await api(t, 'POST', '/api/v1/encode', { content: 'x', supersedes: 99999 });
    expect(unknown.status).toBe(404);
  });

  it('the desktop channels facts:supersede, facts:unsupersede and facts:history answer through /call', async () => {
    const a = (
      await api(t, 'POST', '/api/v1/encode', { content: 'The gym opens at 6am', category: 'gym' })
    ).json<EncodeResult>();
    const b = (
      await api(t, 'POST', '/api/v1/encode', { content: 'The gym opens at 7am', category: 'gym' })
    ).json<EncodeResult>();
    const sup = await api(t, 'POST', '/api/v1/call/facts:supersede', { old_id: a.id, new_id: b.id });
    expect(sup.json<{ ok: true; value: Fact }>().value.id).toBe(b.id);
    const hist = await api(t, 'POST', '/api/v1/call/facts:history', { id: b.id });
    expect(hist.json<{ ok: true; value: { facts: FactVersion[] } }>().value.facts.map((v) => v.id)).toEqual([
      a.id,
    ]);
    const undo = await api(t, 'POST', '/api/v1/call/facts:unsupersede', { id: a.id });
    expect(undo.json<{ ok: true; value: Fact }>().value).toMatchObject({ id: a.id, superseded_by: null });
    const bad = await api(t, 'POST', '/api/v1/call/facts:supersede', { old_id: a.id, new_id: a.id });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toBe(
      `new_id: fact ${a.id} cannot supersede itself`,
    );
  });
});
