import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecallResponse } from '../../../src/shared/contract';
import { api, startTestServer, type TestServer } from './server-harness';

const AT = { reference_date: '2024-03-20T12:00:00Z', time_zone: 'UTC' };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  const r = await api(t, 'POST', '/api/v1/encode', {
    facts: [
      { content: 'Dentist appointment went fine, no cavities', created_at: '2024-03-12T09:00:00Z' },
      { content: 'Paid the dentist bill for the cleaning', created_at: '2024-02-10T09:00:00Z' },
    ],
  });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

describe('POST /api/v1/recall: time words and explain', () => {
  it('answers which phrase was read as which window, and keeps to it', async () => {
    const r = await api(t, 'POST', '/api/v1/recall', { query: 'dentist last week', ...AT });
    expect(r.status).toBe(200);
    const body = RecallResponse.parse(r.json());
    expect(body.time).toEqual({
      phrases: [
        { phrase: 'last week', since: '2024-03-11T00:00:00.000Z', until: '2024-03-18T00:00:00.000Z' },
      ],
      since: '2024-03-11T00:00:00.000Z',
      until: '2024-03-18T00:00:00.000Z',
      query: 'dentist',
      reference_date: '2024-03-20T12:00:00.000Z',
      time_zone: 'UTC',
    });
    expect(body.results.map((h) => h.created_at)).toEqual(['2024-03-12T09:00:00.000Z']);
  });

  it('returns a typed explain per result only when asked', async () => {
    const r = RecallResponse.parse(
      (await api(t, 'POST', '/api/v1/recall', { query: 'dentist bill', explain: true, ...AT })).json(),
    );
    const top = r.results[0]!;
    expect(top.content).toBe('Paid the dentist bill for the cleaning');
    expect(top.explain).toMatchObject({
      matched_words: ['dentist', 'bill'],
      words: { rank: 1 },
      vector: { rank: 1, similarity: top.similarity },
      context: null,
      score: top.score,
    });
    expect(r.results[1]!.explain!.matched_words).toEqual(['dentist']);
    const plain = RecallResponse.parse(
      (await api(t, 'POST', '/api/v1/recall', { query: 'dentist bill' })).json(),
    );
    expect(plain.results[0]!.explain).toBeUndefined();
    expect(plain.time).toBeUndefined();
  });

  it('the IPC contract over HTTP (memory:recall) answers the same', async () => {
    const r = await api(t, 'POST', '/api/v1/call/memory:recall', {
      query: 'dentist last week',
      explain: true,
      ...AT,
    });
    const value = RecallResponse.parse(r.json<{ value: unknown }>().value);
    expect(value.time?.query).toBe('dentist');
    expect(value.results.map((h) => h.content)).toEqual(['Dentist appointment went fine, no cavities']);
    expect(value.results[0]!.explain?.matched_words).toEqual(['dentist']);
  });

  it('rejects a bad time zone, reference date or switch with 400 naming the field, changing nothing', async () => {
    const before = t.snapshot();
    for (const [body, field] of [
      [{ query: 'dentist', time_zone: 'Atlantis/Capital' }, 'time_zone'],
      [{ query: 'dentist', reference_date: 'tomorrow' }, 'reference_date'],
      [{ query: 'dentist', explain: 'yes' }, 'explain'],
      [{ query: 'dentist', time_words: 0 }, 'time_words'],
    ] as const) {
      const r = await api(t, 'POST', '/api/v1/recall', body);
      expect(r.status).toBe(400);
      expect(r.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringContaining(field),
      });
    }
    expect(t.snapshot()).toBe(before);
  });

  it('documents the new fields in the OpenAPI document', async () => {
    const doc = JSON.stringify((await api(t, 'GET', '/api/v1/openapi.json')).json());
    for (const field of ['reference_date', 'time_zone', 'time_words', 'explain', 'matched_words', 'phrases'])
      expect(doc).toContain(`"${field}"`);
  });
});
