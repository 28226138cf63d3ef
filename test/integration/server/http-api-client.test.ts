import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  createHttpApi,
  NOT_ANSWERING,
  NOT_AUTHORIZED,
} from '../../../src/renderer/src/api/http-api';
import { startTestServer, type TestServer } from './server-harness';

/** The renderer's HTTP client against a real `hippo serve` server (fetch given the server's base). */
describe("the renderer's HTTP API client", () => {
  let t: TestServer;
  const at =
    (base: string): typeof fetch =>
    (input, init) =>
      fetch(`${base}${String(input)}`, init);

  beforeAll(async () => {
    t = await startTestServer();
    await t.mem.memory.encode({ content: 'Priya lives in Toronto' });
  });
  afterAll(async () => t.close());

  it('reads stats and recalls with the token', async () => {
    const api = createHttpApi(t.server.token, at(t.server.url));
    expect(await api.stats()).toMatchObject({ facts: 1, mode: 'hybrid' });
    const answer = await api.recall('where does Priya live');
    expect(answer.results[0]).toMatchObject({ content: 'Priya lives in Toronto' });
  });

  it('says in words that the page is not authorized, with no token or a wrong one', async () => {
    for (const token of [null, 'not-the-token']) {
      const api = createHttpApi(token, at(t.server.url));
      const err = await api.stats().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'UNAUTHORIZED', message: NOT_AUTHORIZED });
    }
  });

  it('passes on the server error for bad input, and says when the server is gone', async () => {
    const api = createHttpApi(t.server.token, at(t.server.url));
    await expect(api.recall('x'.repeat(20_000))).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const gone = createHttpApi(t.server.token, at('http://127.0.0.1:9'));
    await expect(gone.stats()).rejects.toMatchObject({ code: 'UNREACHABLE', message: NOT_ANSWERING });
  });

  it('lets a cancelled request end as an abort, not as an error message', async () => {
    const api = createHttpApi(t.server.token, at(t.server.url));
    const abort = new AbortController();
    const pending = api.recall('Toronto', abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
