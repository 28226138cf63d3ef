import { afterEach, describe, expect, it } from 'vitest';
import { EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { NodeWorkerHost } from '../../../src/main/embedder/node-worker-host';
import type { WorkerHost } from '../../../src/main/embedder/types';
import type { FromWorker, ToWorker } from '../../../src/shared/embedder-protocol';
import { faultyHosts, LEXICAL_DIR } from './helpers';

/** Real forked workers whose embed requests are counted while unanswered. */
function countingHosts() {
  let outstanding = 0;
  let most = 0;
  const factory = (): WorkerHost => {
    const host = new NodeWorkerHost();
    return {
      post(msg: ToWorker) {
        if (msg.type === 'embed') most = Math.max(most, ++outstanding);
        host.post(msg);
      },
      onMessage: (cb: (msg: FromWorker) => void) =>
        host.onMessage((msg) => {
          if (msg.type === 'result' || msg.type === 'error') outstanding--;
          cb(msg);
        }),
      onExit: (cb) => host.onExit(cb),
      kill: () => host.kill(),
    };
  };
  return {
    factory,
    most: () => most,
    resetMost: () => {
      most = outstanding;
    },
  };
}

const clients: EmbedderClient[] = [];
function client(opts: Partial<ConstructorParameters<typeof EmbedderClient>[0]> = {}): EmbedderClient {
  const c = new EmbedderClient({
    hostFactory: () => new NodeWorkerHost(),
    resolveModelDir: () => LEXICAL_DIR,
    threads: 1,
    ...opts,
  });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const texts = Array.from({ length: 150 }, (_, i) => `bulk note ${i} about ${'topic '.repeat(i % 7)}${i}`);

describe('EmbedderClient requests in flight', () => {
  it('keeps a second request queued at the worker for bulk work, with the same vectors in order', async () => {
    const counting = countingHosts();
    const piped = client({ hostFactory: counting.factory });
    const serial = client({ maxInFlight: 1 });
    const [a, b] = await Promise.all([piped.embed(texts), serial.embed(texts)]);
    expect(counting.most()).toBe(2);
    expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
    expect(piped.stats()).toMatchObject({ workerTexts: 150, workerBatches: Math.ceil(150 / 32) });
  });

  it('sends lone queries one request at a time, so later ones pile into the next request', async () => {
    const counting = countingHosts();
    const c = client({ hostFactory: counting.factory });
    await c.ready();
    for (let round = 0; round < 3; round++) {
      const first = c.embed([`first query of round ${round}`]);
      // Let the first go out, then ask more while it is in flight.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      const rest = Array.from({ length: 20 }, (_, i) => c.embed([`query ${i} round ${round}`]));
      await Promise.all([first, ...rest]);
    }
    expect(counting.most()).toBe(1);
    expect(c.stats().workerBatches).toBe(6);
  });

  it('retries every request lost with a killed worker', async () => {
    // The second request is posted while the first is in flight: the kill loses both.
    const faults = faultyHosts({ onEmbed: (n) => (n === 2 ? 'kill' : 'pass') });
    const c = client({ hostFactory: faults.factory });
    const reference = client({ maxInFlight: 1 });
    const [got, want] = await Promise.all([c.embed(texts), reference.embed(texts)]);
    expect(got.map((v) => Array.from(v))).toEqual(want.map((v) => Array.from(v)));
    expect(c.stats()).toMatchObject({ crashes: 1, restarts: 1 });
    expect(faults.hosts).toHaveLength(2);
  });

  it('fails every request in flight when the embedder closes', async () => {
    const c = client();
    await c.ready();
    const pending = c.embed(texts);
    const closing = c.close();
    await expect(pending).rejects.toMatchObject({ code: 'MODEL_FAILED' });
    await closing;
  });
});
