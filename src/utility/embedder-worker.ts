/**
 * Entry point of the embedder process. Speaks src/shared/embedder-protocol.ts with whoever started
 * it: Electron's utilityProcess (process.parentPort) in the app, child_process.fork (process.send)
 * under Node. Detected at runtime so this file never imports electron.
 */
import type { FromWorker, ToWorker } from '../shared/embedder-protocol';
import { HippoError, toErrorPayload } from '../shared/errors';
import { loadOnnxEmbedder, type OnnxEmbedder } from './onnx-embedder';

interface Channel {
  send(msg: FromWorker): void;
  onMessage(cb: (msg: ToWorker) => void): void;
}

interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

function connect(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (msg) => parentPort.postMessage(msg),
      onMessage: (cb) => parentPort.on('message', (e) => cb(e.data as ToWorker)),
    };
  }
  if (process.send) {
    // Without the parent there is no one to answer to: exit rather than linger as an orphan.
    process.on('disconnect', () => process.exit(0));
    return {
      send: (msg) => {
        process.send?.(msg);
      },
      onMessage: (cb) => process.on('message', (m) => cb(m as ToWorker)),
    };
  }
  throw new Error('embedder-worker must be started by utilityProcess.fork or child_process.fork');
}

export function runWorker(channel: Channel = connect()): void {
  let embedder: Promise<OnnxEmbedder> | null = null;
  // One request at a time: onnxruntime already spreads a batch over every thread it has.
  let queue: Promise<unknown> = Promise.resolve();

  channel.onMessage((msg) => {
    switch (msg.type) {
      case 'init': {
        embedder = loadOnnxEmbedder(msg.modelDir, { threads: msg.threads, model: msg.model });
        embedder.then(
          (e) => channel.send({ type: 'ready', modelId: e.modelId, dims: e.dims }),
          (e: unknown) => channel.send({ type: 'init-failed', error: toErrorPayload(e) }),
        );
        break;
      }
      case 'embed': {
        const { id, texts } = msg;
        const loaded = embedder;
        queue = queue.then(async () => {
          try {
            if (!loaded) throw new HippoError('MODEL_FAILED', 'embed before init');
            const vectors = await (await loaded).embed(texts);
            channel.send({ type: 'result', id, vectors });
          } catch (e) {
            channel.send({ type: 'error', id, error: toErrorPayload(e) });
          }
        });
        break;
      }
      case 'shutdown': {
        const loaded = embedder;
        void queue
          .then(async () => {
            if (loaded) await (await loaded).close();
          })
          .catch(() => undefined)
          .finally(() => process.exit(0));
        break;
      }
    }
  });
}

runWorker();
